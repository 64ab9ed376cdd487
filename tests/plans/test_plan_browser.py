"""Đà Nẵng's office generates its improvement plan in a real browser, assigns two components to departments
with targets, its leader approves it, and the Word document downloads; on a desktop and on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from docx import Document as WordDocument
from pytest_django.live_server_helper import LiveServer

from accounts.models import Department, User
from plans.models import ImprovementPlan, PlanState
from scoring.services import recompute_campaign
from submissions.models import Campaign
from tests.conftest import scrolls_sideways, serious_accessibility_violations
from tests.submissions.test_browser_journey import log_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def assign(page: Any, code: str, department: str, tasks: str, target: str) -> None:
    page.get_by_role("link", name=f"Giao nhiệm vụ {code}", exact=True).click()
    page.wait_for_url("**/items/**")
    assert page.get_by_label("Đưa chỉ số này vào kế hoạch").is_checked()
    page.get_by_label("Cơ quan, đơn vị chủ trì").select_option(label=department)
    page.get_by_label("Nhiệm vụ, giải pháp").fill(tasks)
    page.get_by_label("Giá trị mục tiêu (0–1)").fill(target)
    page.get_by_label("Thời hạn").fill("2025-10-31")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url(re.compile(r"/plans/\d+/#item-\d+$"))


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_office_plans_two_components_the_leader_approves_and_the_word_file_downloads(
    live_server: LiveServer,
    open_page: Callable[..., tuple[Any, list[str]]],
    finalised_campaign: Campaign,
    danang_office: User,
    danang_leader: User,
    departments: dict[str, Department],
    viewport: dict[str, int] | None,
) -> None:
    recompute_campaign(campaign_id=finalised_campaign.pk)
    page, problems = open_page(viewport)
    log_in(page, live_server, danang_office)
    page.goto(f"{live_server.url}/plans/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Lập kế hoạch cải thiện", exact=True).click()
    page.wait_for_url("**/plans/*/")
    assert page.locator("#plan-state").inner_text() == "Dự thảo"
    codes = page.locator("#plan-item-table tbody th").all_inner_texts()
    assert [text.split()[0] for text in codes] == ["1.1", "2.1", "1.2"]
    assert serious_accessibility_violations(page) == []
    assert not scrolls_sideways(page)

    assign(page, "1.1", "Sở Nội vụ", "Tập huấn chuyển đổi số cho toàn bộ cán bộ.", "0,8")
    assign(page, "1.2", "Đài Phát thanh - Truyền hình Đà Nẵng", "Phát chuyên mục hằng tuần.", "1")
    assert "Chủ trì: Sở Nội vụ" in page.locator("#plan-item-table").inner_text()
    page.get_by_role("link", name="Sửa 1.1", exact=True).click()
    assert serious_accessibility_violations(page) == []
    assert not scrolls_sideways(page)
    page.go_back()

    leader, leader_problems = open_page(viewport)
    log_in(leader, live_server, danang_leader)
    plan = ImprovementPlan.objects.get()
    leader.goto(f"{live_server.url}/plans/{plan.pk}/")
    leader.get_by_role("button", name="Phê duyệt kế hoạch", exact=True).click()
    leader.wait_for_url(f"**/plans/{plan.pk}/")
    assert leader.locator("#plan-state").inner_text() == "Đã phê duyệt"
    history = leader.locator("#plan-events").inner_text()
    assert history.count("Cập nhật chỉ số") == 2
    assert "Phê duyệt" in history
    assert serious_accessibility_violations(leader) == []
    assert not scrolls_sideways(leader)

    with leader.expect_download() as download:
        leader.get_by_role("link", name="Tải về Word (.docx)", exact=True).click()
    assert download.value.suggested_filename == "ke-hoach-cai-thien-dti-48-2025.docx"
    word = WordDocument(download.value.path())
    tasks = [[cell.text for cell in row.cells] for row in word.tables[-1].rows]
    assert [row[1:4] for row in tasks[1:]] == [
        ["1.1 Tuyên truyền", "Sở Nội vụ", "Tập huấn chuyển đổi số cho toàn bộ cán bộ."],
        ["1.2 Chỉ đạo", "Đài Phát thanh - Truyền hình Đà Nẵng", "Phát chuyên mục hằng tuần."],
    ]
    assert ImprovementPlan.objects.get().state == PlanState.APPROVED
    assert problems == []
    assert leader_problems == []
