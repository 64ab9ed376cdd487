"""A campaign's focus indices ("chỉ số cần tập trung", seed 000): the administrator marks them with a note,
a new campaign takes its framework's, and the units see them where they enter their figures."""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from common.errors import Forbidden, InvalidEntries, WorkflowError
from indicators.services import import_framework
from submissions.models import Campaign, FocusIndex, Submission
from submissions.services.campaigns import open_campaign
from submissions.services.focus import SEED_NOTE, mark_focus_indices
from submissions.services.publication import past_campaign
from tests.factories import UserFactory
from tests.indicators.builders import FIXTURES, shipped_framework
from tests.submissions.conftest import answer_of
from tests.submissions.test_api import client_for

pytestmark = pytest.mark.django_db

DEVICES = "Ưu tiên phổ cập thiết bị: kết quả năm 2023 thấp ở đa số tỉnh."


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def marks_of(campaign: Campaign) -> dict[str, str]:
    return FocusIndex.objects.notes_by_key(campaign.pk)


# Marking


def test_the_administrator_marks_components_with_a_note_each(campaign: Campaign, administrator: User) -> None:
    changes = mark_focus_indices(
        campaign_id=campaign.pk, by=administrator, marks={"1.1": "  Tuyên truyền còn yếu.\r\nCần đẩy mạnh. ", "2.1": ""}
    )

    assert marks_of(campaign) == {"1.1": "Tuyên truyền còn yếu.\nCần đẩy mạnh.", "2.1": ""}
    assert (changes.marked, changes.renoted, changes.unmarked) == (["1.1", "2.1"], [], [])
    assert set(FocusIndex.objects.filter(campaign=campaign).values_list("marked_by__username", flat=True)) == {
        "quantri"
    }


def test_only_the_administrator_marks_focus_indices(campaign: Campaign, appraiser: User, danang_reporter: User) -> None:
    for person in (appraiser, danang_reporter):
        with pytest.raises(Forbidden) as refused:
            mark_focus_indices(campaign_id=campaign.pk, by=person, marks={"1.1": ""})
        assert refused.value.message == "Chỉ quản trị viên được chọn chỉ số cần tập trung."

    assert marks_of(campaign) == {}


@pytest.mark.parametrize("key", ["1.1.1", "1", "9.9"])
def test_a_key_that_is_not_a_component_of_the_framework_is_refused_by_name_and_nothing_is_saved(
    campaign: Campaign, administrator: User, key: str
) -> None:
    with pytest.raises(InvalidEntries) as refused:
        mark_focus_indices(campaign_id=campaign.pk, by=administrator, marks={"1.1": "Giữ.", key: ""})

    assert refused.value.entries == {key: {"key": [f"“{key}” không phải chỉ số thành phần của bộ chỉ số thu-nghiem."]}}
    assert marks_of(campaign) == {}


def test_a_note_too_long_or_holding_control_characters_is_refused_naming_the_index(
    campaign: Campaign, administrator: User
) -> None:
    with pytest.raises(InvalidEntries) as refused:
        mark_focus_indices(campaign_id=campaign.pk, by=administrator, marks={"1.1": "x" * 1001, "1.2": "a\x07b"})

    assert refused.value.entries == {
        "1.1": {"note": ["Ghi chú của chỉ số 1.1 dài 1001 ký tự; tối đa 1000 ký tự."]},
        "1.2": {"note": ["Ghi chú của chỉ số 1.2: Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản "
                         "không hợp lệ (U+0007): hãy xóa chúng."]},
    }  # fmt: skip
    mark_focus_indices(campaign_id=campaign.pk, by=administrator, marks={"1.1": "x" * 1000})
    assert marks_of(campaign) == {"1.1": "x" * 1000}


def test_marking_replaces_the_whole_set_and_keeps_who_marked_what_did_not_change(
    campaign: Campaign, administrator: User, organisations: dict[str, Any]
) -> None:
    second = UserFactory.create(username="quantri.hai", organisation=organisations["authority"], roles=[Role.ADMIN])
    mark_focus_indices(campaign_id=campaign.pk, by=administrator, marks={"1.1": "Một.", "1.2": "Hai."})
    first_marked = FocusIndex.objects.get(campaign=campaign, node__key="1.2").marked_at

    changes = mark_focus_indices(campaign_id=campaign.pk, by=second, marks={"1.2": "Hai.", "2.1": "Ba."})
    again = mark_focus_indices(campaign_id=campaign.pk, by=second, marks={"1.2": "Hai, sửa.", "2.1": "Ba."})

    assert (changes.marked, changes.renoted, changes.unmarked) == (["2.1"], [], ["1.1"])
    assert (again.marked, again.renoted, again.unmarked) == ([], ["1.2"], [])
    assert marks_of(campaign) == {"1.2": "Hai, sửa.", "2.1": "Ba."}
    rows = {mark.node.key: mark for mark in FocusIndex.objects.filter(campaign=campaign).select_related("node")}
    assert rows["1.2"].marked_by == second
    assert rows["1.2"].marked_at > first_marked
    assert rows["2.1"].marked_by == second
    assert not mark_focus_indices(campaign_id=campaign.pk, by=second, marks={"1.2": "Hai, sửa.", "2.1": "Ba."})
    assert mark_focus_indices(campaign_id=campaign.pk, by=second, marks={}).unmarked == ["1.2", "2.1"]
    assert marks_of(campaign) == {}


def test_each_change_is_written_to_the_audit_log_once_it_is_committed(
    campaign: Campaign,
    administrator: User,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    mark_focus_indices(campaign_id=campaign.pk, by=administrator, marks={"1.1": "Một."})
    caplog.set_level(logging.INFO, logger="submissions.focus")

    with django_capture_on_commit_callbacks(execute=True):
        mark_focus_indices(campaign_id=campaign.pk, by=administrator, marks={"1.1": "Một, sửa.", "2.1": ""})
    with django_capture_on_commit_callbacks(execute=True):
        mark_focus_indices(campaign_id=campaign.pk, by=administrator, marks={"2.1": ""})

    assert [record.getMessage() for record in caplog.records if record.name == "submissions.focus"] == [
        f"campaign={campaign.pk} index=2.1 marked by=quantri note=''",
        f"campaign={campaign.pk} index=1.1 renoted by=quantri note='Một, sửa.'",
        f"campaign={campaign.pk} index=1.1 unmarked by=quantri note=''",
    ]


def test_marks_change_only_while_the_campaign_runs(campaign: Campaign, administrator: User) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.PUBLISHED)
    with pytest.raises(WorkflowError) as published:
        mark_focus_indices(campaign_id=campaign.pk, by=administrator, marks={"1.1": ""})
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    with pytest.raises(WorkflowError) as draft:
        mark_focus_indices(campaign_id=campaign.pk, by=administrator, marks={"1.1": ""})

    assert published.value.message == "Đợt đánh giá đã công bố; không thay đổi được."
    assert draft.value.message == (
        "Đợt đánh giá chưa mở; chỉ số cần tập trung được chọn sau khi mở đợt, theo bộ chỉ số của đợt."
    )

    assert marks_of(campaign) == {}


# Seeding from the framework's record of seed 000


def shipped_focus_keys(code: str) -> list[str]:
    data = json.loads((FIXTURES / "frameworks" / f"{code}.json").read_text(encoding="utf-8"))
    return [node["key"] for node in data["nodes"] if node.get("focus")]


def test_a_campaign_opened_on_the_2022_framework_takes_its_focus_indices_with_the_letter_as_note(
    year_2022_campaign: Campaign, administrator: User
) -> None:
    focus = shipped_focus_keys("dti-2022-province")

    marks = FocusIndex.objects.filter(campaign=year_2022_campaign).select_related("node")

    assert len(focus) == 8
    assert sorted(mark.node.key for mark in marks) == sorted(focus)
    assert {mark.note for mark in marks} == {SEED_NOTE}
    assert {mark.marked_by for mark in marks} == {administrator}
    smartphones = marks.get(node__name="Tỷ lệ dân số trưởng thành có điện thoại thông minh")
    assert (smartphones.node.code, smartphones.node.kind) == ("3.1", "component")


def test_a_campaign_on_a_framework_without_focus_indices_opens_without_marks(campaign: Campaign) -> None:
    assert marks_of(campaign) == {}


def test_a_draft_campaign_takes_the_focus_indices_when_it_is_opened(
    organisations: dict[str, Any], administrator: User
) -> None:
    framework = import_framework(data=shipped_framework("dti-2022-province"))
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="DTI 2023", year=2023, level="province", framework=framework, groups=["province"], is_trial=True,
        entry_opens=today, entry_closes=today, appraisal_closes=today, explanation_closes=today,
        final_appraisal_closes=today, publication_date=today + datetime.timedelta(days=1), created_by=administrator,
    )  # fmt: skip
    assert marks_of(campaign) == {}

    open_campaign(campaign=campaign, by=administrator)

    assert sorted(marks_of(campaign)) == sorted(shipped_focus_keys("dti-2022-province"))


def test_a_past_years_campaign_is_created_with_its_frameworks_focus_indices_once(
    organisations: dict[str, Any], administrator: User
) -> None:
    framework = import_framework(data=shipped_framework("dti-2022-province"))
    campaign = past_campaign(framework=framework, year=2022, level="province", groups=["province"], by=administrator)
    again = past_campaign(framework=framework, year=2022, level="province", groups=["province"], by=administrator)

    assert again == campaign
    assert campaign.state == Campaign.State.PUBLISHED
    assert FocusIndex.objects.filter(campaign=campaign).count() == len(shipped_focus_keys("dti-2022-province"))


# The units' entry pages


def test_the_section_page_flags_the_focus_component_and_each_leaf_under_it(
    danang_submission: Submission, danang_reporter: User, administrator: User
) -> None:
    mark_focus_indices(campaign_id=danang_submission.campaign_id, by=administrator, marks={"1.1": DEVICES})

    html = logged_in(danang_reporter).get(f"/submissions/{danang_submission.pk}/sections/1/").content.decode()

    assert (
        '<h2 class="component-heading" id="node-1-1"><span class="node-code">1.1</span> Tuyên truyền '
        '<span class="badge badge-focus">cần tập trung</span></h2>'
    ) in html
    assert f'<p class="focus-note muted" id="node-1-1-focus">Chỉ số cần tập trung. {DEVICES}</p>' in html
    assert '<h2 class="component-heading" id="node-1-2"><span class="node-code">1.2</span> Chỉ đạo</h2>' in html
    for leaf in ("1-1-1", "1-1-2"):
        assert f'aria-describedby="node-{leaf}-focus"' in html
        assert (
            f'<p class="focus-note muted" id="node-{leaf}-focus">Thuộc chỉ số thành phần 1.1 cần tập trung. '
            f"{DEVICES}</p>"
        ) in html
    assert "node-1-2-1-focus" not in html
    assert html.count('<span class="badge badge-focus">cần tập trung</span>') == 3


def test_a_leaf_card_sent_back_alone_keeps_its_focus_flag(
    danang_submission: Submission, danang_reporter: User, administrator: User
) -> None:
    mark_focus_indices(campaign_id=danang_submission.campaign_id, by=administrator, marks={"1.1": DEVICES})
    answer = answer_of(danang_submission, "1.1.2")

    response = logged_in(danang_reporter).post(
        f"/submissions/{danang_submission.pk}/answers/1.1.2/",
        {"node-1-1-2-version": str(answer.version), "node-1-1-2-value": "120"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert 'id="node-1-1-2-focus">Thuộc chỉ số thành phần 1.1 cần tập trung.' in response.content.decode()


def test_the_section_page_reads_the_marks_without_a_query_of_their_own(
    danang_submission: Submission, danang_reporter: User, administrator: User
) -> None:
    client = logged_in(danang_reporter)
    url = f"/submissions/{danang_submission.pk}/sections/1/"
    client.get(url)
    with CaptureQueriesContext(connection) as unmarked:
        client.get(url)
    mark_focus_indices(campaign_id=danang_submission.campaign_id, by=administrator, marks={"1.1": "", "1.2": ""})
    with CaptureQueriesContext(connection) as marked:
        client.get(url)

    assert len(marked) == len(unmarked)


def test_the_overview_counts_the_focus_indices_of_each_section(
    danang_submission: Submission, danang_reporter: User, administrator: User
) -> None:
    mark_focus_indices(campaign_id=danang_submission.campaign_id, by=administrator,
                       marks={"1.1": "", "1.2": "", "2.1": ""})  # fmt: skip

    html = logged_in(danang_reporter).get(f"/submissions/{danang_submission.pk}/").content.decode()

    assert html.count('<span class="badge badge-focus">2 chỉ số cần tập trung</span>') == 1
    assert html.count('<span class="badge badge-focus">1 chỉ số cần tập trung</span>') == 1


def test_the_shipped_frameworks_focus_component_is_flagged_on_its_own_card(
    danang_2022: Submission, danang_reporter: User
) -> None:
    html = logged_in(danang_reporter).get(f"/submissions/{danang_2022.pk}/sections/3/").content.decode()

    assert f'<p class="focus-note muted" id="node-3-1-focus">Chỉ số cần tập trung. {SEED_NOTE}</p>' in html
    assert "node-3-2-focus" not in html
    assert 'class="component-heading"' not in html


# The API


def test_the_api_answers_say_whether_each_leaf_is_a_focus_index_and_why(
    danang_submission: Submission, danang_reporter: User, administrator: User
) -> None:
    mark_focus_indices(campaign_id=danang_submission.campaign_id, by=administrator, marks={"1.1": DEVICES})

    answers = client_for(danang_reporter).get(f"/api/v1/submissions/{danang_submission.pk}/").json()["answers"]

    assert {key: (row["focus"], row["focus_note"]) for key, row in answers.items()} == {
        "1.1.1": (True, DEVICES),
        "1.1.2": (True, DEVICES),
        "1.2.1": (False, ""),
        "2.1.1": (False, ""),
        "2.1.2": (False, ""),
    }


def test_the_schema_declares_the_answers_focus_fields(client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    answer = schema["components"]["schemas"]["Answer"]
    assert answer["properties"]["focus"]["type"] == "boolean"
    assert answer["properties"]["focus_note"]["type"] == "string"
    assert {"focus", "focus_note"} <= set(answer["required"])


# The administrator's page


def test_the_administrator_marks_components_on_the_campaigns_page(campaign: Campaign, administrator: User) -> None:
    client = logged_in(administrator)
    url = f"/submissions/campaigns/{campaign.pk}/focus/"

    page = client.get(url).content.decode()
    response = client.post(url, {"focus": ["1.2"], "note-1.2": DEVICES, "note-1.1": "Không chọn nên không lưu."})

    assert "<legend>1. Nhận thức số</legend>" in page
    assert "<legend>2. An toàn thông tin</legend>" in page
    assert page.count('type="checkbox"') == 3
    assert '<label for="note-node-1-1">Ghi chú <span class="visually-hidden">1.1</span></label>' in page
    assert response.status_code == 302
    assert response["Location"] == url
    assert marks_of(campaign) == {"1.2": DEVICES}
    again = client.get(url).content.decode()
    assert "Đã lưu danh sách chỉ số cần tập trung: 1 chỉ số." in again
    assert 'value="1.2" checked' in again
    assert f">{DEVICES}</textarea>" in again
    assert "Đánh dấu bởi quantri lúc" in again


def test_a_refused_note_is_shown_next_to_its_row_with_what_was_typed(campaign: Campaign, administrator: User) -> None:
    client = logged_in(administrator)
    url = f"/submissions/campaigns/{campaign.pk}/focus/"

    response = client.post(url, {"focus": ["1.1", "2.1"], "note-1.1": "x" * 1001, "note-2.1": "Giữ lại."})

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<p class="field-error" id="note-node-1-1-error" role="alert">'
        "Ghi chú của chỉ số 1.1 dài 1001 ký tự; tối đa 1000 ký tự.</p>"
    ) in html
    assert 'aria-invalid="true" aria-describedby="note-node-1-1-error"' in html
    assert 'value="2.1" checked' in html
    assert ">Giữ lại.</textarea>" in html
    assert marks_of(campaign) == {}


def test_a_key_from_outside_the_framework_is_refused_above_the_rows(campaign: Campaign, administrator: User) -> None:
    response = logged_in(administrator).post(f"/submissions/campaigns/{campaign.pk}/focus/", {"focus": ["1.1.1"]})

    assert response.status_code == 400
    assert "“1.1.1” không phải chỉ số thành phần của bộ chỉ số thu-nghiem." in response.content.decode()


def test_an_appraiser_reads_the_page_without_a_form_and_cannot_post(
    campaign: Campaign, appraiser: User, administrator: User
) -> None:
    mark_focus_indices(campaign_id=campaign.pk, by=administrator, marks={"1.1": DEVICES})
    client = logged_in(appraiser)
    url = f"/submissions/campaigns/{campaign.pk}/focus/"

    page = client.get(url).content.decode()
    client.post(url, {"focus": ["1.2"]})

    assert "Chỉ quản trị viên được chọn chỉ số cần tập trung; trang này chỉ để xem." in page
    assert 'id="focus-save"' not in page
    assert 'value="1.1" checked disabled' in page
    assert marks_of(campaign) == {"1.1": DEVICES}


def test_units_cannot_open_the_focus_page(campaign: Campaign, danang_reporter: User) -> None:
    response = logged_in(danang_reporter).get(f"/submissions/campaigns/{campaign.pk}/focus/")

    assert response.status_code == 403


def test_the_dashboard_links_the_focus_page_for_the_administrator_only(
    campaign: Campaign, administrator: User, appraiser: User
) -> None:
    url = f"/submissions/campaigns/{campaign.pk}/dashboard/"
    link = f'<a href="/submissions/campaigns/{campaign.pk}/focus/" id="focus-link">Chỉ số cần tập trung</a>'

    assert link in logged_in(administrator).get(url).content.decode()
    assert link not in logged_in(appraiser).get(url).content.decode()
