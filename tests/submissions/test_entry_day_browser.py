"""The reporter's and approvers' day in a real browser, at a desktop's size and on a 390 × 844 phone:
sections, a section saved with one invalid value, the summary before submitting, a return with its
reason in the banner, the leader approving from the review view; axe-core finds nothing serious."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from submissions.models import Submission
from tests.conftest import scrolls_sideways, serious_accessibility_violations
from tests.submissions.conftest import answer_of
from tests.submissions.test_browser_journey import log_in, saved

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def check_page(page: Any, findings: list[str], name: str) -> None:
    """What every main page owes everyone: nothing serious for axe-core, and no sideways scrolling."""
    findings.extend(f"{name}: {violation}" for violation in serious_accessibility_violations(page))
    if scrolls_sideways(page):
        findings.append(f"{name}: scrolls sideways at {page.viewport_size['width']} px")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_reporters_and_approvers_day_section_by_section(
    viewport: dict[str, int] | None,
    live_server: LiveServer,
    open_page: Callable[..., tuple[Any, list[str]]],
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
) -> None:
    detail = f"{live_server.url}/submissions/{danang_submission.pk}/"
    findings: list[str] = []

    reporter, reporter_problems = open_page(viewport)
    log_in(reporter, live_server, danang_reporter)
    # Everyone lands on their work: the reporter on the unit's open submission.
    assert reporter.url == detail
    expect(reporter.locator("#overview")).to_contain_text("Đã nhập 0/4 chỉ số do đơn vị báo cáo")
    check_page(reporter, findings, "overview")
    if viewport:
        # On a phone the navigation waits behind the menu button.
        expect(reporter.locator("#site-nav")).to_be_hidden()
        reporter.get_by_role("button", name="Menu").click()
        expect(reporter.locator("#site-nav")).to_be_visible()

    reporter.goto(f"{detail}sections/1/")
    check_page(reporter, findings, "section")
    reporter.select_option("#node-1-1-1-value", "1")
    saved(reporter, "node-1-1-1")
    reporter.fill("#node-1-1-1-explanation", "Chuyên mục trên cổng thông tin.")
    saved(reporter, "node-1-1-1")
    # A percentage of 120: refused next to its field when the reporter leaves it, the typed value kept.
    reporter.fill("#node-1-1-2-value", "120")
    reporter.evaluate("document.activeElement.blur()")
    reporter.wait_for_load_state("networkidle")
    expect(reporter.locator("#node-1-1-2 .field-error")).to_have_text("Tỷ lệ phải từ 0 đến 100 (%).")
    expect(reporter.locator("#node-1-1-2-value")).to_have_value("120")
    reporter.select_option("#node-1-2-1-choice", "Hằng tháng")
    saved(reporter, "node-1-2-1")
    reporter.fill("#node-1-2-1-explanation", "Lịch phát sóng của Đài.")
    saved(reporter, "node-1-2-1")
    reporter.get_by_role("button", name="Lưu tất cả").click()
    reporter.wait_for_load_state()
    expect(reporter.locator(".messages")).to_contain_text("Đã lưu 0 chỉ số; 1 chỉ số chưa lưu")
    expect(reporter.locator("#node-1-1-2 .field-error")).to_have_text("Tỷ lệ phải từ 0 đến 100 (%).")
    expect(reporter.locator("#node-1-1-2-value")).to_have_value("120")
    assert answer_of(danang_submission, "1.1.1").value == Decimal(1)
    assert answer_of(danang_submission, "1.2.1").choice == "Hằng tháng"
    assert answer_of(danang_submission, "1.1.2").value is None

    reporter.fill("#node-1-1-2-value", "63,56")
    saved(reporter, "node-1-1-2")
    expect(reporter.locator("#node-1-1-2-score")).to_have_text("19,07")
    reporter.locator('a[rel="next"]').click()
    reporter.wait_for_url("**/sections/2/")
    reporter.fill("#node-2-1-1-value", "5")
    saved(reporter, "node-2-1-1")

    # The summary names the leaves that still block, each linked to its field.
    reporter.goto(detail)
    reporter.get_by_role("link", name="Trình duyệt", exact=True).click()
    reporter.wait_for_url("**/submit/")
    expect(reporter.locator("#blocking")).to_contain_text("Chỉ số chặn việc trình duyệt (2)")
    check_page(reporter, findings, "summary")
    reporter.locator("#blocking").get_by_role("link").filter(has_text="1.1.2").click()
    reporter.wait_for_url("**/sections/1/#node-1-1-2")
    reporter.fill("#node-1-1-2-explanation", "Theo báo cáo của Sở Nội vụ.")
    saved(reporter, "node-1-1-2")
    reporter.goto(f"{detail}sections/2/")
    reporter.fill("#node-2-1-1-explanation", "Theo báo cáo của Sở Nội vụ.")
    saved(reporter, "node-2-1-1")
    reporter.goto(f"{detail}submit/")
    expect(reporter.locator("#blocking")).to_contain_text("Không có chỉ số nào chặn việc trình duyệt.")
    reporter.get_by_role("button", name="Xác nhận trình duyệt").click()
    reporter.wait_for_load_state()
    expect(reporter.locator("#submission-state")).to_have_text("Chờ lãnh đạo cơ quan CNTT duyệt")

    # The IT lead returns it with a reason; the reporter reads it at the top of the submission.
    it_lead, it_lead_problems = open_page(viewport)
    log_in(it_lead, live_server, danang_it_lead)
    # The IT lead lands on the one submission waiting for them: its approvers' summary.
    assert it_lead.url == f"{detail}approval/"
    check_page(it_lead, findings, "review")
    it_lead.fill("#approval-reason", "Bổ sung văn bản cho chỉ số 1.1.2")
    it_lead.get_by_role("button", name="Trả lại", exact=True).click()
    it_lead.wait_for_load_state()
    reporter.goto(detail)
    expect(reporter.locator("#return-reason")).to_contain_text("Hồ sơ bị trả lại bởi")
    expect(reporter.locator("#return-reason")).to_contain_text("Bổ sung văn bản cho chỉ số 1.1.2")

    reporter.get_by_role("link", name="Trình duyệt", exact=True).click()
    reporter.get_by_role("button", name="Xác nhận trình duyệt").click()
    reporter.wait_for_load_state()
    it_lead.goto(f"{detail}approval/")
    it_lead.get_by_role("button", name="Phê duyệt", exact=True).click()
    it_lead.wait_for_load_state()

    leader, leader_problems = open_page(viewport)
    log_in(leader, live_server, danang_leader)
    assert leader.url == f"{detail}approval/"
    expect(leader.locator("#totals")).to_contain_text("Tổng điểm của đơn vị")
    leader.get_by_role("button", name="Phê duyệt", exact=True).click()
    leader.wait_for_load_state()

    danang_submission.refresh_from_db()
    assert danang_submission.state == "submitted"
    assert findings == []
    # The refused saves answer 400, which the browser logs; nothing else may reach the console.
    refused = "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    assert [problem for problem in reporter_problems if problem != refused] == []
    assert it_lead_problems + leader_problems == []
