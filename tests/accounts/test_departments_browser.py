"""Đà Nẵng's office keeps its list of departments in a real browser, on a desktop and on a phone: adds one
by hand, imports a sheet (a refused one first), edits one; every page without a serious accessibility
problem and without sideways scrolling."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pytest_django.live_server_helper import LiveServer

from accounts.models import Department, User
from common.spreadsheets import workbook_bytes
from tests.conftest import scrolls_sideways, serious_accessibility_violations
from tests.submissions.test_browser_journey import log_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def looks_right(page: Any) -> tuple[bool, list[str]]:
    """(scrolls sideways, serious accessibility violations) of the page as it is now."""
    return scrolls_sideways(page), serious_accessibility_violations(page)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_office_adds_imports_and_edits_its_departments(
    viewport: dict[str, int] | None,
    live_server: LiveServer,
    open_page: Callable[..., tuple[Any, list[str]]],
    tmp_path: Path,
    danang_office: User,
) -> None:
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server, danang_office)
    if viewport is not None:
        page.locator("#menu-toggle").click()
    page.locator("#departments-link").click()
    page.wait_for_url("**/accounts/departments/")
    assert page.locator("#no-departments").inner_text() == "Chưa có cơ quan, đơn vị nào trong danh sách."
    assert looks_right(page) == (False, [])

    page.fill("#id_name", "Sở Nội vụ")
    page.fill("#id_short_name", "SNV")
    page.fill("#id_contact", "Phòng Cải cách hành chính")
    page.get_by_role("button", name="Thêm", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".message-success").inner_text() == "Đã thêm “Sở Nội vụ”."

    # The same name again: refused, the message next to the name.
    page.fill("#id_name", "sở nội vụ")
    page.get_by_role("button", name="Thêm", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("#id_name_error").inner_text() == (
        "Đơn vị đã có “Sở Nội vụ” trong danh sách cơ quan, đơn vị thực hiện."
    )
    assert page.get_attribute("#id_name", "aria-invalid") == "true"
    assert looks_right(page) == (False, [])

    with page.expect_download() as download:
        page.locator("#departments-template").click()
    assert download.value.suggested_filename == "mau-danh-sach-co-quan-don-vi.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Sở Y tế", "SYT", "0236 3822 777"])
    sheet.append(["", "STC", ""])
    refused = tmp_path / "co-quan-loi.xlsx"
    refused.write_bytes(workbook_bytes(workbook))
    page.set_input_files("#id_file", str(refused))
    page.get_by_role("button", name="Nhập danh sách", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("#import-problems li").all_inner_texts() == [
        "Dòng 3, cột A (Tên cơ quan, đơn vị): Nhập tên cơ quan, đơn vị."
    ]
    assert looks_right(page) == (False, [])

    sheet.delete_rows(3)
    sheet.append(["Sở Tài chính", "STC", "Phòng Ngân sách"])
    sheet.append(["SỞ NỘI VỤ", "SNV", "Phòng Cải cách hành chính"])
    filled = tmp_path / "co-quan.xlsx"
    filled.write_bytes(workbook_bytes(workbook))
    page.set_input_files("#id_file", str(filled))
    page.get_by_role("button", name="Nhập danh sách", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".message-success").inner_text() == (
        "Đã nhập danh sách: thêm 2, cập nhật 0, giữ nguyên 1 cơ quan, đơn vị."
    )
    rows = page.locator("#departments tbody tr").all_inner_texts()
    assert [row.split("\t")[:3] for row in rows] == [
        ["Sở Nội vụ", "SNV", "Phòng Cải cách hành chính"],
        ["Sở Tài chính", "STC", "Phòng Ngân sách"],
        ["Sở Y tế", "SYT", "0236 3822 777"],
    ]
    assert looks_right(page) == (False, [])

    page.get_by_role("link", name="Sửa Sở Tài chính", exact=True).click()
    page.wait_for_url("**/accounts/departments/*/")
    assert page.input_value("#id_name") == "Sở Tài chính"
    assert looks_right(page) == (False, [])
    page.fill("#id_contact", "Phòng Ngân sách — 0236 3822 555")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url("**/accounts/departments/")
    assert page.locator(".message-success").inner_text() == "Đã lưu “Sở Tài chính”."
    assert Department.objects.get(name="Sở Tài chính").contact == "Phòng Ngân sách — 0236 3822 555"

    page.get_by_role("link", name="Xóa Sở Y tế", exact=True).click()
    page.wait_for_url("**/remove/")
    assert looks_right(page) == (False, [])
    page.get_by_role("button", name="Xóa", exact=True).click()
    page.wait_for_url("**/accounts/departments/")
    assert page.locator(".message-success").inner_text() == "Đã xóa “Sở Y tế” khỏi danh sách."
    assert sorted(Department.objects.values_list("name", flat=True)) == ["Sở Nội vụ", "Sở Tài chính"]
    # The refused addition and the refused sheet answer 400, which the browser logs; nothing else may.
    bad_request = "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    assert problems == [bad_request, bad_request]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_reporter_reads_the_list_without_the_forms(
    viewport: dict[str, int] | None,
    live_server: LiveServer,
    open_page: Callable[..., tuple[Any, list[str]]],
    danang_reporter: User,
    danang_departments: dict[str, Department],
) -> None:
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server, danang_reporter)

    page.goto(f"{live_server.url}/accounts/departments/")

    assert page.locator("#departments tbody tr").count() == 2
    assert page.locator("form#add-department, form#import-departments").count() == 0
    assert looks_right(page) == (False, [])
    assert problems == []
