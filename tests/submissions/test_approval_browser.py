"""Đà Nẵng's IT lead reads the approvers' summary in a real browser: returns the submission with a reason,
sees what the reporter changed before → after once it comes back, and approves it; on a phone too."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from submissions.models import Submission
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput, save_answer
from tests.submissions.conftest import answer_of, fill_in
from tests.submissions.test_browser_journey import log_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_it_lead_returns_then_approves_from_the_summary_seeing_the_change(
    live_server: LiveServer,
    open_page: Callable[[], tuple[Any, list[str]]],
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
) -> None:
    fill_in(danang_submission, danang_reporter)
    transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")
    summary = f"{live_server.url}/submissions/{danang_submission.pk}/approval/"

    page, problems = open_page()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, danang_it_lead)
    page.goto(f"{live_server.url}/submissions/{danang_submission.pk}/")
    page.get_by_role("link", name="Xem tóm tắt để phê duyệt", exact=True).click()
    page.wait_for_url(summary)
    assert page.locator("#approval-changes-title").inner_text() == "Hồ sơ được trình duyệt lần đầu"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # A return without a reason stays on the page, the error under the reason.
    page.get_by_role("button", name="Trả lại", exact=True).click()
    page.wait_for_url(summary)
    assert page.locator("#approval-reason-error").inner_text() == "Phải nêu lý do khi trả lại."
    page.fill("#approval-reason", "Tỷ lệ tập huấn 1.1.2 chưa khớp báo cáo của Sở Nội vụ")
    page.get_by_role("button", name="Trả lại", exact=True).click()
    page.wait_for_url(summary)
    assert page.locator("#submission-state").inner_text() == "Đang nhập số liệu"
    assert page.locator("#approval-decision").count() == 0

    answer = answer_of(danang_submission, "1.1.2")
    given = AnswerInput(value=Decimal("70.5"))
    save_answer(answer_id=answer.pk, user=danang_reporter, given=given, expected_version=answer.version)
    transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")

    page.reload()
    assert page.locator("#approval-changes-title").inner_text() == "Những thay đổi kể từ lần trả lại gần nhất"
    assert "Tỷ lệ tập huấn 1.1.2 chưa khớp báo cáo của Sở Nội vụ" in page.locator("#approval-returns").inner_text()
    changed = page.locator("#changed-node-1-1-2")
    assert changed.locator(".value-before").inner_text() == "63,56"
    assert changed.locator(".value-after").inner_text() == "70,5"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="Phê duyệt", exact=True).click()
    page.wait_for_url(summary)
    assert page.locator("#submission-state").inner_text() == "Chờ lãnh đạo tỉnh/bộ duyệt"
    danang_submission.refresh_from_db()
    assert danang_submission.state == "awaiting_leader"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems == []
