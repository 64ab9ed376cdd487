"""An appraiser, Đà Nẵng's reporter and its leader take a submission from appraisal to its final result
in a real browser; the unit's "points lost" page then shows exactly the two adjusted leaves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from submissions.models import Submission
from tests.submissions.test_browser_journey import log_in, take_step

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def decide(page: Any, anchor: str, decision: str, value: str = "", reason: str = "") -> None:
    leaf = page.locator(f"#{anchor}")
    leaf.locator(f'input[type="radio"][value="{decision}"]').check()
    if value:
        page.fill(f"#{anchor}-appraisal-value", value)
    if reason:
        page.fill(f"#{anchor}-appraisal-reason", reason)
    leaf.get_by_role("button", name="Lưu kết luận").click()
    page.locator(f"#{anchor} .saved").wait_for()


def test_an_appraisal_with_two_adjustments_an_explanation_and_a_final_result(
    live_server: LiveServer,
    open_page: Callable[[], tuple[Any, list[str]]],
    submitted_danang: Submission,
    appraiser: User,
    danang_reporter: User,
    danang_leader: User,
) -> None:
    review = f"{live_server.url}/submissions/{submitted_danang.pk}/review/"
    detail = f"{live_server.url}/submissions/{submitted_danang.pk}/"

    appraiser_page, appraiser_problems = open_page()
    log_in(appraiser_page, live_server, appraiser)
    appraiser_page.goto(review)
    decide(appraiser_page, "node-1-1-2", "adjust", "40", "Danh sách tập huấn chỉ có 40 % cán bộ.")
    decide(appraiser_page, "node-2-1-1", "adjust", "20", "Hệ thống giám sát ghi nhận 20 % máy nhiễm.")
    # Keyboard: focus a leaf and press A to accept it.
    appraiser_page.locator("#node-1-1-1").focus()
    appraiser_page.keyboard.press("a")
    appraiser_page.locator("#node-1-1-1 .saved").wait_for()
    appraiser_page.locator("#section-node-1 .bulk-accept button").click()
    appraiser_page.wait_for_load_state()
    assert appraiser_page.locator("#decided-count").inner_text() == "4/4 chỉ số đã có kết luận"
    take_step(appraiser_page, "Kết thúc thẩm định, chuyển đơn vị giải trình")
    assert appraiser_page.locator("#submission-state").inner_text() == "Đang giải trình"

    reporter_page, reporter_problems = open_page()
    log_in(reporter_page, live_server, danang_reporter)
    reporter_page.goto(detail)
    outcome = reporter_page.locator("#appraisal-outcome")
    assert "Danh sách tập huấn chỉ có 40 % cán bộ." in outcome.inner_text()
    reporter_page.fill("#node-2-1-1-reply", "Số 20 % gồm cả máy đã gỡ mã độc; tỷ lệ đúng là 10 %.")
    reporter_page.locator("#appraisal-node-2-1-1").get_by_role("button", name="Lưu giải trình").click()
    reporter_page.wait_for_load_state()
    take_step(reporter_page, "Trình duyệt giải trình")
    assert reporter_page.locator("#submission-state").inner_text() == "Chờ lãnh đạo duyệt giải trình"

    leader_page, leader_problems = open_page()
    log_in(leader_page, live_server, danang_leader)
    leader_page.goto(detail)
    take_step(leader_page, "Phê duyệt")
    assert leader_page.locator("#submission-state").inner_text() == "Đang thẩm định lại"

    appraiser_page.goto(review)
    assert "tỷ lệ đúng là 10 %" in appraiser_page.locator("#node-2-1-1 .explanation-reply").inner_text()
    decide(appraiser_page, "node-1-1-2", "keep")
    decide(appraiser_page, "node-2-1-1", "revise", "10", "Chấp nhận giải trình một phần: 10 % máy nhiễm.")
    take_step(appraiser_page, "Chốt kết quả")
    assert appraiser_page.locator("#submission-state").inner_text() == "Đã chốt kết quả"

    reporter_page.goto(f"{detail}points-lost/")
    rows = reporter_page.locator("#lost-leaves tbody tr")
    assert rows.count() == 2
    assert [rows.nth(index).get_attribute("data-key") for index in range(2)] == ["1.1.2", "2.1.1"]
    assert rows.nth(0).locator(".lost").inner_text() == "7,07"
    assert rows.nth(0).locator(".reasons").inner_text() == "Thẩm định: Danh sách tập huấn chỉ có 40 % cán bộ."
    assert rows.nth(1).locator(".lost").inner_text() == "1,25"
    assert rows.nth(1).locator(".reasons").inner_text().split("\n\n") == [
        "Thẩm định: Hệ thống giám sát ghi nhận 20 % máy nhiễm.",
        "Giải trình: Số 20 % gồm cả máy đã gỡ mã độc; tỷ lệ đúng là 10 %.",
        "Sau giải trình: Chấp nhận giải trình một phần: 10 % máy nhiễm.",
    ]
    assert reporter_page.locator("#total-final").inner_text() == "54,50"
    assert appraiser_problems + reporter_problems + leader_problems == []
