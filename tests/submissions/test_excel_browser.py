"""Đà Nẵng's reporter uploads a filled template in a real browser, reads the preview, and applies it."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from submissions.models import Event, PendingImport, Submission
from submissions.services.entry import AnswerInput, save_answer
from tests.submissions.conftest import answer_of
from tests.submissions.test_browser_journey import log_in
from tests.submissions.test_excel import fill

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Runs in every page of the test before the portal's scripts: after the portal's own handler has
# seen a sent form, note what the page shows, and whether a second send (Enter, a second click) is
# refused.
RECORD_THE_SENT_FORM = """
let checking = false;
window.addEventListener("submit", (event) => {
    const form = event.target;
    if (checking) { return; }
    const status = document.getElementById(form.getAttribute("data-busy-status") || "");
    if (!status) { return; }
    const again = new Event("submit", {bubbles: true, cancelable: true});
    checking = true;
    form.dispatchEvent(again);
    checking = false;
    sessionStorage.setItem("sent-form", JSON.stringify({
        role: status.getAttribute("role"),
        hidden: status.hidden,
        text: status.textContent,
        disabled: form.querySelector("button").disabled,
        second_send_refused: again.defaultPrevented,
    }));
});
"""


def test_the_reporter_previews_a_filled_workbook_and_applies_it_with_one_click(
    live_server: LiveServer,
    open_page: Callable[[], tuple[Any, list[str]]],
    tmp_path: Path,
    danang_submission: Submission,
    danang_reporter: User,
) -> None:
    for key, given in [("1.1.2", AnswerInput(value=Decimal("63.56"))), ("2.1.1", AnswerInput(value=Decimal("2.5")))]:
        save_answer(answer_id=answer_of(danang_submission, key).pk, user=danang_reporter, given=given,
                    expected_version=0)  # fmt: skip
    detail = f"{live_server.url}/submissions/{danang_submission.pk}/"
    page, problems = open_page()
    page.add_init_script(RECORD_THE_SENT_FORM)
    log_in(page, live_server, danang_reporter)
    page.goto(f"{detail}excel/import/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu Excel").click()
    filled = tmp_path / "so-lieu-da-nang.xlsx"
    filled.write_bytes(fill(Path(download.value.path()).read_bytes(), {
        "1.1.1": {"value": "Có"},
        "1.1.2": {"value": "63,56"},
        "1.2.1": {"choice": "Hằng tháng"},
        "2.1.1": {"value": "1,5"},
    }))  # fmt: skip

    page.set_input_files("#id_file", str(filled))
    assert page.is_checked("#id_dry_run")
    page.get_by_role("button", name="Tải lên", exact=True).click()
    page.wait_for_load_state()

    assert page.locator("#import-preview").inner_text() == "Xem trước: 3 thay đổi"
    rows = page.locator("#import-changes tbody tr").all_inner_texts()
    assert [row.split("\t") for row in rows] == [
        ["3", "1.1.1", "Có chuyên mục chuyển đổi số", "Giá trị", "—", "Có"],
        ["5", "1.2.1", "Tần suất phát sóng", "Mức", "—", "Hằng tháng"],
        ["6", "2.1.1", "Tỷ lệ máy tính nhiễm mã độc", "Giá trị", "2,5", "1,5"],
    ]
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.method) if "/excel/import/apply/" in request.url else None)
    page.get_by_role("button", name="Áp dụng", exact=True).click()
    page.wait_for_url(detail)

    assert json.loads(page.evaluate("sessionStorage.getItem('sent-form')")) == {
        "role": "status",
        "hidden": False,
        "text": "Đang áp dụng 3 thay đổi, vui lòng chờ…",
        "disabled": True,
        "second_send_refused": True,
    }
    assert sent == ["POST"]
    assert page.locator(".message-success").inner_text() == "Đã áp dụng 3 thay đổi từ Excel."
    assert answer_of(danang_submission, "2.1.1").value == Decimal("1.5")
    assert answer_of(danang_submission, "1.2.1").choice == "Hằng tháng"
    assert Event.objects.filter(submission=danang_submission, kind="import").count() == 1
    assert not PendingImport.objects.exists()
    assert problems == []
