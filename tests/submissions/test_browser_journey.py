"""A province's reporter, IT lead and leader take a submission to the authority in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from submissions.models import Evidence, Submission
from tests.pdfs import pdf

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mat-khau-thu-2026"


def log_in(page: Any, live_server: LiveServer, user: User) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def take_step(page: Any, action_label: str, comment: str = "") -> None:
    if action_label == "Trình duyệt":
        # Putting the data forward goes through the summary of what is missing, then a confirmation.
        page.get_by_role("link", name="Trình duyệt", exact=True).click()
        page.wait_for_url("**/submit/")
        action_label = "Xác nhận trình duyệt"
    if comment:
        page.fill("#transition-comment", comment)
    page.get_by_role("button", name=action_label, exact=True).click()
    page.wait_for_load_state()


def saved(page: Any, anchor: str) -> None:
    """Leave the field being typed in, and wait for the leaf's saves to finish ("Đã lưu lúc …").

    One save at a time: the live server shares one SQLite connection between its threads in tests.
    """
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.wait_for_load_state("networkidle")
    expect(page.locator(f"#{anchor}-status")).to_contain_text("Đã lưu lúc")


def enter_figures(page: Any, detail: str, evidence_file: Path, evidence_title: str) -> None:
    """As Đà Nẵng's reporter, section by section: every self-reported leaf of the small framework,
    each saved as the reporter leaves its field, one PDF on 1.1.1."""
    page.goto(f"{detail}sections/1/")
    page.select_option("#node-1-1-1-value", "1")
    saved(page, "node-1-1-1")
    page.set_input_files("#node-1-1-1-file", str(evidence_file))
    page.fill("#node-1-1-1-file-title", evidence_title)
    page.locator("#node-1-1-1 .evidence-form button").click()
    expect(page.locator("#node-1-1-1 .evidence-list")).to_contain_text(evidence_title)
    page.fill("#node-1-1-2-value", "63,56")
    page.fill("#node-1-1-2-explanation", "Theo báo cáo của Sở Nội vụ.")
    saved(page, "node-1-1-2")
    page.select_option("#node-1-2-1-choice", "Hằng tháng")
    saved(page, "node-1-2-1")
    page.fill("#node-1-2-1-explanation", "Lịch phát sóng của Đài.")
    saved(page, "node-1-2-1")
    # The live score uses the decimal comma the person typed: 63,56 % of 30 points.
    expect(page.locator("#node-1-1-2-score")).to_have_text("19,07")
    page.get_by_role("link", name=re.compile(r"^2\. ")).first.click()
    page.wait_for_url("**/sections/2/")
    page.fill("#node-2-1-1-value", "5")
    page.fill("#node-2-1-1-explanation", "Theo báo cáo của Sở Nội vụ.")
    saved(page, "node-2-1-1")
    page.get_by_role("button", name="Lưu tất cả").click()
    page.wait_for_load_state()
    page.goto(detail)


def test_a_province_submits_in_the_browser_with_evidence_and_one_return(
    live_server: LiveServer,
    open_page: Callable[[], tuple[Any, list[str]]],
    tmp_path: Path,
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
) -> None:
    detail = f"{live_server.url}/submissions/{danang_submission.pk}/"
    evidence_file = tmp_path / "quyet-dinh-ban-hanh.pdf"
    evidence_file.write_bytes(pdf(pages=2))

    reporter_page, reporter_problems = open_page()
    log_in(reporter_page, live_server, danang_reporter)
    enter_figures(reporter_page, detail, evidence_file, "Quyết định ban hành chuyên mục")
    take_step(reporter_page, "Trình duyệt")
    assert reporter_page.locator("#submission-state").inner_text() == "Chờ lãnh đạo cơ quan CNTT duyệt"

    it_lead_page, it_lead_problems = open_page()
    log_in(it_lead_page, live_server, danang_it_lead)
    it_lead_page.goto(detail)
    take_step(it_lead_page, "Phê duyệt")

    leader_page, leader_problems = open_page()
    log_in(leader_page, live_server, danang_leader)
    leader_page.goto(detail)
    take_step(leader_page, "Trả lại", comment="Bổ sung văn bản cho chỉ số 1.1.2")
    assert leader_page.locator("#submission-state").inner_text() == "Chờ lãnh đạo cơ quan CNTT duyệt"
    assert "Bổ sung văn bản cho chỉ số 1.1.2" in leader_page.locator("#history").inner_text()

    it_lead_page.goto(detail)
    take_step(it_lead_page, "Phê duyệt")
    leader_page.goto(detail)
    take_step(leader_page, "Phê duyệt")

    assert leader_page.locator("#submission-state").inner_text() == "Đã gửi cơ quan đánh giá"
    danang_submission.refresh_from_db()
    assert danang_submission.state == "submitted"
    steps = list(danang_submission.events.filter(kind="transition").values_list("to_state", flat=True))
    assert steps == ["awaiting_it_lead", "awaiting_leader", "awaiting_it_lead", "awaiting_leader", "submitted"]
    evidence = Evidence.objects.get(answer__submission=danang_submission, answer__node__key="1.1.1")
    assert (evidence.title, evidence.original_name, evidence.pages) == (
        "Quyết định ban hành chuyên mục",
        "quyet-dinh-ban-hanh.pdf",
        2,
    )
    assert reporter_problems + it_lead_problems + leader_problems == []
