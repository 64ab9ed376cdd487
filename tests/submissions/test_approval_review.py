"""The approvers' summary: where a submission stands, what is missing, what changed since it was returned,
and the approve / return form that comes back to it."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from accounts.models import User
from submissions.models import Event, Submission
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput, remove_evidence, save_answer, upload_evidence
from tests.pdfs import pdf

from .conftest import answer_of, fill_in

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url_of(submission: Submission) -> str:
    return f"/submissions/{submission.pk}/approval/"


def step(submission: Submission, user: User, action: str, comment: str = "") -> None:
    transition_submission(submission_id=submission.pk, user=user, action=action, comment=comment)


def change(submission: Submission, user: User, key: str, **given: Any) -> None:
    answer = answer_of(submission, key)
    save_answer(answer_id=answer.pk, user=user, given=AnswerInput(**given), expected_version=answer.version)


def attach(submission: Submission, user: User, key: str, title: str, marker: str) -> int:
    answer = answer_of(submission, key)
    evidence = upload_evidence(
        answer_id=answer.pk, user=user, content=pdf(marker=marker), original_name=f"{marker}.pdf", title=title
    )
    return evidence.pk


def text_of(html: str, element_id: str) -> str:
    """The text of the element with that id (up to its closing tag of the same name): cells and items
    apart, inline tags dropped."""
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, element_id
    text = re.sub(r"</?(?:td|th|tr|li|br|p|dd|dt|ul)\b[^>]*>", " ", match.group(2))
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


@pytest.fixture
def returned_and_resubmitted(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User, danang_leader: User
) -> Submission:
    """Đà Nẵng filled in and put forward; the leader returned it to the IT lead, who returned it to the
    reporter; the reporter changed three leaves and the evidence, then put it forward again."""
    fill_in(danang_submission, danang_reporter)
    kept = attach(danang_submission, danang_reporter, "1.1.2", "Báo cáo tập huấn cũ", "cu")
    step(danang_submission, danang_reporter, "submit")
    step(danang_submission, danang_it_lead, "approve")
    step(danang_submission, danang_leader, "return", "Tỷ lệ tập huấn chưa khớp báo cáo của Sở Nội vụ")
    step(danang_submission, danang_it_lead, "return", "Sửa 1.1.2 theo ý kiến lãnh đạo tỉnh")
    change(danang_submission, danang_reporter, "1.1.2", value=Decimal("70"))
    change(danang_submission, danang_reporter, "1.1.2", value=Decimal("70.5"))
    change(danang_submission, danang_reporter, "1.1.1", value=Decimal(0))
    change(danang_submission, danang_reporter, "1.2.1", choice="Hằng tuần")
    # Changed and changed back: no difference to approve.
    change(danang_submission, danang_reporter, "2.1.1", value=Decimal(7))
    change(danang_submission, danang_reporter, "2.1.1", value=Decimal(5))
    attach(danang_submission, danang_reporter, "1.1.2", "Báo cáo tập huấn 2024", "moi")
    withdrawn = attach(danang_submission, danang_reporter, "1.1.1", "Tệp nhầm", "nham")
    remove_evidence(evidence_id=withdrawn, user=danang_reporter)
    remove_evidence(evidence_id=kept, user=danang_reporter)
    step(danang_submission, danang_reporter, "submit")
    danang_submission.refresh_from_db()
    return danang_submission


def test_the_it_lead_sees_what_changed_since_the_leaders_return_before_and_after_in_vietnamese(
    returned_and_resubmitted: Submission, danang_it_lead: User
) -> None:
    submission = returned_and_resubmitted
    response = logged_in(danang_it_lead).get(url_of(submission))

    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(html, "approval-changes-title") == "Những thay đổi kể từ lần trả lại gần nhất"
    returns = list(submission.events.filter(kind=Event.Kind.TRANSITION, new__action="return").order_by("at"))
    assert text_of(html, "approval-returns") == (
        f"Trả lại bởi danang.lanhdao, {local(returns[0].at)}: Tỷ lệ tập huấn chưa khớp báo cáo của Sở Nội vụ "
        f"Trả lại bởi danang.cntt, {local(returns[1].at)}: Sửa 1.1.2 theo ý kiến lãnh đạo tỉnh"
    )
    last_edit = {
        key: local(submission.events.filter(kind=Event.Kind.ANSWER, answer__node__key=key).latest("at", "id").at)
        for key in ("1.1.1", "1.1.2", "1.2.1")
    }
    assert [change.node.key for change in response.context["changes"].leaves] == ["1.1.1", "1.1.2", "1.2.1"]
    assert text_of(html, "changed-node-1-1-1") == (
        f"1.1.1 Có chuyên mục chuyển đổi số Có → Không danang.baocao, {last_edit['1.1.1']}"
    )
    assert text_of(html, "changed-node-1-1-2") == (
        f"1.1.2 Tỷ lệ cán bộ được tập huấn 63,56 → 70,5 danang.baocao, {last_edit['1.1.2']} (2 lần sửa)"
    )
    assert text_of(html, "changed-node-1-2-1") == (
        f"1.2.1 Tần suất phát sóng Hằng tháng → Hằng tuần danang.baocao, {last_edit['1.2.1']}"
    )
    assert 'id="changed-node-2-1-1"' not in html
    assert [(item.node.key, item.title, item.added) for item in response.context["changes"].evidence] == [
        ("1.1.2", "Báo cáo tập huấn 2024", True),
        ("1.1.2", "Báo cáo tập huấn cũ", False),
    ]
    assert text_of(html, "approval-evidence-changes").startswith("Thêm 1.1.2 “Báo cáo tập huấn 2024” — danang.baocao, ")


def test_the_banner_says_who_put_it_forward_when_and_the_phase_deadline(
    returned_and_resubmitted: Submission, danang_leader: User
) -> None:
    submission = returned_and_resubmitted
    html = logged_in(danang_leader).get(url_of(submission)).content.decode()

    submitted = submission.events.filter(kind=Event.Kind.TRANSITION).latest("at", "id")
    assert text_of(html, "submission-state") == "Chờ lãnh đạo cơ quan CNTT duyệt"
    assert text_of(html, "approval-last-step") == f"Trình duyệt: danang.baocao, {local(submitted.at)}"
    assert text_of(html, "approval-deadline") == submission.campaign.entry_closes.strftime("%d/%m/%Y")
    assert text_of(html, "approval-evidence-total") == "1 tệp"


def test_progress_per_main_index_counts_answers_files_and_leaves_lacking_evidence(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User
) -> None:
    attach(danang_submission, danang_reporter, "1.1.1", "Quyết định", "qd")
    attach(danang_submission, danang_reporter, "1.1.1", "Kế hoạch", "kh")
    change(danang_submission, danang_reporter, "1.1.1", value=Decimal(1))
    change(danang_submission, danang_reporter, "1.1.2", value=Decimal("63.56"), explanation="Theo Sở Nội vụ.")
    change(danang_submission, danang_reporter, "2.1.1", value=Decimal(5))

    response = logged_in(danang_it_lead).get(url_of(danang_submission))

    html = response.content.decode()
    rows = [
        (section.node.code, section.answered, section.required, section.files, [a.node.key for a in section.blocking])
        for section in response.context["overview"].sections
    ]
    assert rows == [("1", 2, 3, 2, ["1.2.1"]), ("2", 1, 1, 0, ["2.1.1"])]
    assert text_of(html, "progress-node-1") == "1. Nhận thức số 2/3 2 1.2.1"
    assert text_of(html, "progress-node-2") == "2. An toàn thông tin 1/1 0 2.1.1"
    assert text_of(html, "approval-evidence-total") == "2 tệp"


def test_a_submission_never_returned_is_put_forward_for_the_first_time(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User
) -> None:
    fill_in(danang_submission, danang_reporter)
    step(danang_submission, danang_reporter, "submit")

    html = logged_in(danang_it_lead).get(url_of(danang_submission)).content.decode()

    assert text_of(html, "approval-changes-title") == "Hồ sơ được trình duyệt lần đầu"
    assert "Những thay đổi kể từ lần trả lại gần nhất" not in html


def test_the_summary_loads_the_units_totals_against_its_previous_year(
    danang_submission: Submission, danang_it_lead: User
) -> None:
    html = logged_in(danang_it_lead).get(url_of(danang_submission)).content.decode()

    totals = f"/submissions/{danang_submission.pk}/totals/?compare=1"
    assert f'<div id="totals" hx-get="{totals}" hx-trigger="load" hx-swap="outerHTML">' in html
    assert f'<a href="{totals}">Xem tổng điểm của đơn vị</a>' in html


def test_a_return_without_a_reason_shows_the_error_under_the_reason_and_changes_nothing(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User
) -> None:
    fill_in(danang_submission, danang_reporter)
    step(danang_submission, danang_reporter, "submit")
    events = danang_submission.events.count()

    response = logged_in(danang_it_lead).post(
        f"/submissions/{danang_submission.pk}/transition/",
        {"action": "return", "from_state": "awaiting_it_lead", "comment": "  ", "back": "approval"},
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain == [(url_of(danang_submission), 302)]
    assert (
        '<textarea id="approval-reason" name="comment" rows="3" aria-invalid="true" '
        'aria-describedby="approval-reason-error"></textarea>\n'
        '      <p class="field-error" id="approval-reason-error" role="alert">Phải nêu lý do khi trả lại.</p>'
    ) in html
    assert html.count("Phải nêu lý do khi trả lại.") == 1
    danang_submission.refresh_from_db()
    assert (danang_submission.state, danang_submission.events.count()) == ("awaiting_it_lead", events)


def test_approving_from_the_summary_moves_the_state_and_comes_back_to_it(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User
) -> None:
    fill_in(danang_submission, danang_reporter)
    step(danang_submission, danang_reporter, "submit")
    client = logged_in(danang_it_lead)
    form = client.get(url_of(danang_submission)).content.decode()
    assert '<input type="hidden" name="back" value="approval">' in form
    assert [item["label"] for item in client.get(url_of(danang_submission)).context["actions"]] == [
        "Phê duyệt",
        "Trả lại",
    ]

    response = client.post(
        f"/submissions/{danang_submission.pk}/transition/",
        {"action": "approve", "from_state": "awaiting_it_lead", "comment": "", "back": "approval"},
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain == [(url_of(danang_submission), 302)]
    assert text_of(html, "submission-state") == "Chờ lãnh đạo tỉnh/bộ duyệt"
    assert "Hồ sơ chuyển sang: Chờ lãnh đạo tỉnh/bộ duyệt." in html
    # The leader decides next: the IT lead reads the summary without the form.
    assert 'id="approval-decision"' not in html
    danang_submission.refresh_from_db()
    assert danang_submission.state == "awaiting_leader"


def test_a_return_with_a_reason_from_the_summary_goes_back_to_the_reporter(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User
) -> None:
    fill_in(danang_submission, danang_reporter)
    step(danang_submission, danang_reporter, "submit")

    response = logged_in(danang_it_lead).post(
        f"/submissions/{danang_submission.pk}/transition/",
        {"action": "return", "from_state": "awaiting_it_lead", "comment": "Bổ sung tài liệu 1.1.1", "back": "approval"},
        follow=True,
    )

    html = response.content.decode()
    assert text_of(html, "submission-state") == "Đang nhập số liệu"
    assert "Bổ sung tài liệu 1.1.1" in text_of(html, "approval-returns")


def test_the_form_shows_only_to_who_may_approve_or_return_now(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User, danang_leader: User, danang_office: User
) -> None:
    fill_in(danang_submission, danang_reporter)
    step(danang_submission, danang_reporter, "submit")

    shown = {
        user.username: 'id="approval-decision"' in logged_in(user).get(url_of(danang_submission)).content.decode()
        for user in (danang_reporter, danang_it_lead, danang_leader, danang_office)
    }

    assert shown == {"danang.baocao": False, "danang.cntt": True, "danang.lanhdao": False, "danang.vanphong": False}


def test_the_reporter_in_draft_is_not_offered_to_submit_here(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = logged_in(danang_reporter).get(url_of(danang_submission))

    assert response.status_code == 200
    assert response.context["actions"] == []


def test_the_authority_may_read_the_summary(submitted_danang: Submission, appraiser: User) -> None:
    response = logged_in(appraiser).get(url_of(submitted_danang))

    assert response.status_code == 200
    assert response.context["actions"] == []


def test_a_huế_reporter_gets_404_on_đà_nẵngs_summary(danang_submission: Submission, hue_reporter: User) -> None:
    assert logged_in(hue_reporter).get(url_of(danang_submission)).status_code == 404


def test_a_huế_reporter_cannot_step_đà_nẵng_through_the_summarys_form(
    danang_submission: Submission, danang_reporter: User, hue_reporter: User
) -> None:
    fill_in(danang_submission, danang_reporter)
    step(danang_submission, danang_reporter, "submit")

    response = logged_in(hue_reporter).post(
        f"/submissions/{danang_submission.pk}/transition/",
        {"action": "return", "from_state": "awaiting_it_lead", "comment": "x", "back": "approval"},
    )

    assert response.status_code == 404
    danang_submission.refresh_from_db()
    assert danang_submission.state == "awaiting_it_lead"


def test_anonymous_visitors_are_sent_to_log_in(danang_submission: Submission) -> None:
    response = Client().get(url_of(danang_submission))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_unit_page_links_to_the_summary_for_its_it_lead_and_leader_only(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
    danang_office: User,
    appraiser: User,
) -> None:
    link = f'<a href="{url_of(danang_submission)}">Xem tóm tắt để phê duyệt</a>'

    shown = {
        user.username: link in logged_in(user).get(f"/submissions/{danang_submission.pk}/").content.decode()
        for user in (danang_reporter, danang_it_lead, danang_leader, danang_office, appraiser)
    }

    assert shown == {
        "danang.baocao": False,
        "danang.cntt": True,
        "danang.lanhdao": True,
        "danang.vanphong": False,
        "thamdinh": False,
    }


def test_the_summary_takes_as_many_queries_for_many_changes_as_for_one(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    fill_in(danang_submission, danang_reporter)
    step(danang_submission, danang_reporter, "submit")
    step(danang_submission, danang_it_lead, "return", "Sửa lại")
    change(danang_submission, danang_reporter, "1.1.2", value=Decimal(70))
    step(danang_submission, danang_reporter, "submit")
    client = logged_in(danang_it_lead)
    with CaptureQueriesContext(connection) as one_change:
        assert client.get(url_of(danang_submission)).status_code == 200

    step(danang_submission, danang_it_lead, "return", "Sửa lại lần nữa")
    for number in range(10):
        change(danang_submission, danang_reporter, "1.1.2", value=Decimal(71 + number))
    for key in ("1.1.1", "2.1.1"):
        change(danang_submission, danang_reporter, key, value=Decimal(0))
    change(danang_submission, danang_reporter, "1.2.1", choice="Hằng tuần")
    for number in range(4):
        attach(danang_submission, danang_reporter, "1.1.1", f"Tài liệu {number}", f"tl{number}")
    step(danang_submission, danang_reporter, "submit")

    with django_assert_max_num_queries(len(one_change.captured_queries)):
        response = client.get(url_of(danang_submission))
    assert len(response.context["changes"].leaves) == 4
    with django_assert_max_num_queries(10):
        client.get(url_of(danang_submission))
