"""The campaign dashboard: every unit's state by peer group and region, the late units first, and reminders
that reach the people who act next, once a day."""

from __future__ import annotations

import dataclasses
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from accounts.models import Organisation, Region, Role, User
from indicators.services import import_framework
from submissions.models import Answer, Campaign, Event, Notification, Submission, SubmissionState
from submissions.services.campaigns import open_campaign
from submissions.services.notifications import remind_overdue
from tests.factories import UserFactory
from tests.indicators.builders import small_framework

pytestmark = pytest.mark.django_db

DELTA = "dong-bang-song-hong"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def dashboard_of(campaign: Campaign) -> str:
    return f"/submissions/campaigns/{campaign.pk}/dashboard/"


def remind_url(campaign: Campaign) -> str:
    return f"/submissions/campaigns/{campaign.pk}/remind/"


def add_units(campaign: Campaign, *units: Organisation) -> None:
    """Give units a submission of an already open campaign, as opening it would have."""
    leaves = list(campaign.framework.nodes.filter(children=None))
    for unit in units:
        submission = Submission.objects.create(campaign=campaign, organisation=unit)
        Answer.objects.bulk_create(Answer(submission=submission, node=leaf) for leaf in leaves)


def delta_provinces(count: int) -> list[Organisation]:
    region, _ = Region.objects.get_or_create(code=DELTA, defaults={"name": "Đồng bằng sông Hồng", "order": 2})
    return [
        Organisation.objects.create(
            code=f"{number:02d}",
            level="province",
            name=f"Tỉnh thử {number}",
            short_name=f"Tỉnh thử {number}",
            region=region,
            group="province",
        )
        for number in range(1, count + 1)
    ]


def set_state(campaign: Campaign, code: str, state: SubmissionState, **fields: object) -> Submission:
    Submission.objects.filter(campaign=campaign, organisation__code=code).update(state=state, **fields)
    return Submission.objects.get(campaign=campaign, organisation__code=code)


def entry_closed_yesterday(campaign: Campaign) -> datetime.date:
    """Move the entry deadline to yesterday: every unit still in its own hands is late."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Campaign.objects.filter(pk=campaign.pk).update(entry_opens=yesterday - datetime.timedelta(days=20),
                                                   entry_closes=yesterday)  # fmt: skip
    return yesterday


@pytest.fixture
def hue_it_lead(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="hue.cntt", organisation=organisations["46"], roles=[Role.IT_LEAD])


def test_units_are_counted_by_state_for_each_region(campaign: Campaign, administrator: User) -> None:
    add_units(campaign, *delta_provinces(2))
    set_state(campaign, "46", SubmissionState.AWAITING_IT_LEAD)
    set_state(campaign, "01", SubmissionState.SUBMITTED)

    response = logged_in(administrator).get(dashboard_of(campaign))

    by_group, by_region = response.context["breakdowns"]
    states = [
        (SubmissionState.DRAFT.value, "Đang nhập số liệu"),
        (SubmissionState.AWAITING_IT_LEAD.value, "Chờ lãnh đạo cơ quan CNTT duyệt"),
        (SubmissionState.SUBMITTED.value, "Đã gửi cơ quan đánh giá"),
    ]
    assert by_group.states == states
    assert by_group.rows == [("Tỉnh, thành phố trực thuộc Trung ương", [3, 1, 1], 5)]
    assert by_region.states == states
    assert by_region.rows == [
        ("Bắc Trung Bộ và duyên hải miền Trung", [2, 1, 0], 3),
        ("Đồng bằng sông Hồng", [1, 0, 1], 2),
    ]
    assert by_region.totals == [3, 1, 1]
    assert by_region.chart() == {
        "labels": ["Bắc Trung Bộ và duyên hải miền Trung", "Đồng bằng sông Hồng"],
        "series": [
            {"label": "Đang nhập số liệu", "values": [2, 1]},
            {"label": "Chờ lãnh đạo cơ quan CNTT duyệt", "values": [1, 0]},
            {"label": "Đã gửi cơ quan đánh giá", "values": [0, 1]},
        ],
    }
    html = response.content.decode()
    assert 'id="by-region-table"' in html
    assert '<canvas data-chart="by-region-chart" data-kind="stacked">' in html
    assert '<script id="by-region-chart" type="application/json">' in html


def test_ministries_are_counted_by_their_group_and_as_having_no_region(
    organisations: dict[str, Organisation], administrator: User
) -> None:
    Organisation.objects.create(code="BNG", level="ministry", name="Bộ Ngoại giao", short_name="Bộ Ngoại giao",
                                group="no_public_services")  # fmt: skip
    Organisation.objects.create(code="BYT", level="ministry", name="Bộ Y tế", short_name="Bộ Y tế",
                                group="public_services")  # fmt: skip
    framework = import_framework(data=dataclasses.replace(small_framework("bo-thu-nghiem"), level="ministry"))
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="DTI 2024 cấp bộ", year=2024, level="ministry", framework=framework,
        groups=["public_services", "no_public_services"], entry_opens=today, entry_closes=today,
        appraisal_closes=today, explanation_closes=today, final_appraisal_closes=today, publication_date=today,
    )  # fmt: skip
    open_campaign(campaign=campaign, by=administrator)
    set_state(campaign, "BYT", SubmissionState.AWAITING_LEADER)

    by_group, by_region = logged_in(administrator).get(dashboard_of(campaign)).context["breakdowns"]

    assert by_group.rows == [
        ("Bộ, ngành cung cấp dịch vụ công", [1, 1], 2),
        ("Bộ, ngành không cung cấp dịch vụ công", [1, 0], 1),
    ]
    assert by_region.rows == [("Không thuộc vùng nào", [2, 1], 3)]


def test_the_late_units_come_first_and_are_marked(campaign: Campaign, administrator: User) -> None:
    deadline = entry_closed_yesterday(campaign)
    set_state(campaign, "46", SubmissionState.SUBMITTED)

    response = logged_in(administrator).get(dashboard_of(campaign))

    rows = response.context["rows"]
    assert [(row.submission.organisation.code, row.late) for row in rows] == [
        ("48", True),
        ("49", True),
        ("46", False),
    ]
    assert response.context["late_count"] == 2
    html = response.content.decode()
    assert html.count('<tr class="row-error">') == 2
    assert html.count('<span class="badge badge-danger">quá hạn</span>') == 2
    assert f"<td>{deadline:%d/%m/%Y}</td>" in html
    assert 'id="remind-button"' in html


def test_the_unit_table_filters_by_state_group_and_region(campaign: Campaign, administrator: User) -> None:
    add_units(campaign, *delta_provinces(2))
    set_state(campaign, "02", SubmissionState.SUBMITTED)
    client = logged_in(administrator)

    def codes(query: str) -> list[str]:
        rows = client.get(f"{dashboard_of(campaign)}?{query}").context["rows"]
        return [row.submission.organisation.code for row in rows]

    assert codes(f"region={DELTA}") == ["01", "02"]
    assert codes(f"region={DELTA}&state=draft") == ["01"]
    assert codes("group=province&state=submitted") == ["02"]
    assert codes("group=public_services") == []


def test_the_table_shows_progress_and_last_activity_as_dd_mm_yyyy(campaign: Campaign, administrator: User) -> None:
    # Just after midnight in Việt Nam, still the day before in UTC: the page shows the local date.
    at = datetime.datetime(2024, 3, 10, 0, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    submission = set_state(campaign, "48", SubmissionState.DRAFT, last_activity=at)
    Answer.objects.filter(submission=submission, node__key="1.1.1").update(value=1)

    response = logged_in(administrator).get(dashboard_of(campaign))

    row = next(row for row in response.context["rows"] if row.submission.pk == submission.pk)
    assert (row.submission.answered, row.submission.required) == (1, 4)
    html = response.content.decode()
    assert f'<a href="/submissions/{submission.pk}/">TP. Đà Nẵng</a>' in html
    assert "<td>10/03/2024</td>" in html


def test_a_reminder_reaches_the_people_who_act_next_on_each_late_unit(
    campaign: Campaign,
    administrator: User,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
    danang_office: User,
    hue_reporter: User,
    hue_it_lead: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    deadline = entry_closed_yesterday(campaign)
    set_state(campaign, "46", SubmissionState.AWAITING_IT_LEAD)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(administrator).post(remind_url(campaign), follow=True)

    assert response.redirect_chain == [(dashboard_of(campaign), 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "Đã gửi nhắc nhở đến 2 đơn vị.",
        "1 đơn vị quá hạn không có tài khoản nào để nhận nhắc nhở.",
    ]
    sent = sorted(Notification.objects.values_list("user__username", "submission__organisation__code"))
    assert sent == [("danang.baocao", "48"), ("hue.cntt", "46")]
    assert Notification.objects.get(user=danang_reporter).message == (
        f"Nhắc nhở: TP. Đà Nẵng — DTI 2024 cấp tỉnh (thử nghiệm) đã quá hạn ngày {deadline:%d/%m/%Y} "
        "(Đang nhập số liệu). Đề nghị hoàn thành sớm."
    )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "danang.baocao@example.gov.vn",
        "hue.cntt@example.gov.vn",
    ]
    events = Event.objects.filter(kind=Event.Kind.REMINDED).order_by("submission__organisation__code")
    assert [(event.submission.organisation.code, event.actor, event.new["recipients"]) for event in events] == [
        ("46", administrator, ["hue.cntt"]),
        ("48", administrator, ["danang.baocao"]),
    ]


def test_a_second_reminder_on_the_same_day_sends_nothing_and_says_so(
    campaign: Campaign, administrator: User, danang_reporter: User, hue_reporter: User
) -> None:
    entry_closed_yesterday(campaign)
    client = logged_in(administrator)
    client.post(remind_url(campaign), follow=True)

    response = client.post(remind_url(campaign), follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "Đã gửi nhắc nhở đến 0 đơn vị.",
        "2 đơn vị đã được nhắc nhở hôm nay nên không gửi lại.",
        "1 đơn vị quá hạn không có tài khoản nào để nhận nhắc nhở.",
    ]
    assert Notification.objects.count() == 2
    assert Event.objects.filter(kind=Event.Kind.REMINDED).count() == 2
    assert response.content.decode().count('<span class="badge badge-warn">đã nhắc hôm nay</span>') == 2


def test_a_unit_reminded_yesterday_is_reminded_again_today(
    campaign: Campaign, administrator: User, danang_reporter: User
) -> None:
    entry_closed_yesterday(campaign)
    submission = Submission.objects.get(campaign=campaign, organisation__code="48")
    Event.objects.create(submission=submission, kind=Event.Kind.REMINDED, actor=administrator,
                         at=timezone.now() - datetime.timedelta(days=1))  # fmt: skip

    assert remind_overdue(campaign_id=campaign.pk, by=administrator) == 1
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["danang.baocao"]


def test_units_on_time_are_not_reminded(campaign: Campaign, administrator: User, danang_reporter: User) -> None:
    assert remind_overdue(campaign_id=campaign.pk, by=administrator) == 0
    assert Notification.objects.count() == 0


def test_with_the_authority_the_assigned_appraiser_is_reminded_or_every_appraiser_while_none_is(
    campaign: Campaign, administrator: User, appraiser: User, second_appraiser: User
) -> None:
    yesterday = entry_closed_yesterday(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(appraisal_closes=yesterday)
    set_state(campaign, "48", SubmissionState.UNDER_APPRAISAL, appraiser=second_appraiser)
    set_state(campaign, "46", SubmissionState.SUBMITTED)

    assert remind_overdue(campaign_id=campaign.pk, by=administrator) == 2
    sent = sorted(Notification.objects.values_list("submission__organisation__code", "user__username"))
    assert sent == [("46", "thamdinh"), ("46", "thamdinh.hai"), ("48", "thamdinh.hai")]


def test_appraisers_read_the_dashboard_but_do_not_send_reminders(
    campaign: Campaign, appraiser: User, danang_reporter: User
) -> None:
    entry_closed_yesterday(campaign)
    client = logged_in(appraiser)

    page = client.get(dashboard_of(campaign))
    refused = client.post(remind_url(campaign), follow=True)

    assert page.status_code == 200
    assert 'id="remind-button"' not in page.content.decode()
    assert [str(message) for message in refused.context["messages"]] == ["Chỉ quản trị hệ thống được gửi nhắc nhở."]
    assert Notification.objects.count() == 0


def test_a_units_people_get_403_on_the_dashboard_and_on_reminders(
    campaign: Campaign, danang_reporter: User, danang_leader: User
) -> None:
    entry_closed_yesterday(campaign)
    for user in (danang_reporter, danang_leader):
        client = logged_in(user)
        assert client.get(dashboard_of(campaign)).status_code == 403
        assert client.post(remind_url(campaign)).status_code == 403
    assert Notification.objects.count() == 0
    assert Event.objects.filter(kind=Event.Kind.REMINDED).count() == 0


def test_reminders_are_sent_by_post_only(campaign: Campaign, administrator: User) -> None:
    assert logged_in(administrator).get(remind_url(campaign)).status_code == 405


def test_the_dashboard_costs_the_same_few_queries_for_many_units(
    campaign: Campaign, administrator: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """The session and user, the campaign, its submissions (one query), the unread count; the session's save."""
    client = logged_in(administrator)
    entry_closed_yesterday(campaign)
    with django_assert_max_num_queries(8):
        assert len(client.get(dashboard_of(campaign)).context["rows"]) == 3

    add_units(campaign, *delta_provinces(30))
    with django_assert_max_num_queries(8):
        assert len(client.get(dashboard_of(campaign)).context["rows"]) == 33


def test_the_appraisal_queue_links_administrators_to_the_dashboard(
    campaign: Campaign, administrator: User, appraiser: User
) -> None:
    link = f'href="/submissions/campaigns/{campaign.pk}/dashboard/"'

    assert link in logged_in(administrator).get("/submissions/appraisal/").content.decode()
    assert link in logged_in(administrator).get(f"/submissions/appraisal/?campaign={campaign.pk}").content.decode()
    assert link not in logged_in(appraiser).get(f"/submissions/appraisal/?campaign={campaign.pk}").content.decode()
