"""A unit's departments imported from a sheet (.xlsx or .csv): all or nothing, every problem named by its
row and column, and a second import of the same sheet changing nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from accounts.departments import (
    DepartmentSheetRejected,
    ImportSummary,
    department_template,
    import_departments,
    read_department_sheet,
)
from accounts.models import Department, Organisation, User
from common.errors import Forbidden
from common.spreadsheets import workbook_bytes, write_row

pytestmark = pytest.mark.django_db

HEADER = ["Tên cơ quan, đơn vị", "Tên viết tắt", "Đầu mối liên hệ"]
ROWS = [
    ["Sở Thông tin và Truyền thông", "Sở TT&TT", "Phòng CNTT — 0236 3822 222"],
    ["Sở Nội vụ", "SNV", "0236 3821 111"],
    ["Văn phòng UBND thành phố", "", ""],
]


def xlsx(rows: list[list[Any]], *, formulas: bool = False) -> bytes:
    """A workbook of these rows; text is written as text unless `formulas` lets openpyxl take "=…" for one."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row) if formulas else write_row(sheet, row)
    return workbook_bytes(workbook)


def csv_bytes(rows: list[list[str]], *, bom: bool = True, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def listed(organisation: Organisation) -> list[tuple[str, str, str]]:
    return list(Department.objects.of_unit(organisation.pk).order_by("pk").values_list("name", "short_name", "contact"))


def imported(user: User, unit: Organisation, content: bytes, filename: str) -> ImportSummary:
    return import_departments(
        user=user, organisation_id=unit.pk, sheet=read_department_sheet(content=content, filename=filename)
    )


def refusal(user: User, unit: Organisation, content: bytes, filename: str) -> list[str]:
    with pytest.raises(DepartmentSheetRejected) as refused:
        imported(user, unit, content, filename)
    return refused.value.problems


def test_the_office_imports_a_workbook(danang_office: User, organisations: dict[str, Organisation]) -> None:
    summary = imported(danang_office, organisations["48"], xlsx([HEADER, *ROWS]), "co-quan.xlsx")

    assert summary == ImportSummary(added=3, updated=0, unchanged=0)
    assert listed(organisations["48"]) == [tuple(row) for row in ROWS]


@pytest.mark.parametrize("bom", [True, False])
def test_the_office_imports_a_utf8_csv_with_or_without_its_byte_order_mark(
    bom: bool, danang_office: User, organisations: dict[str, Organisation]
) -> None:
    summary = imported(danang_office, organisations["48"], csv_bytes([HEADER, *ROWS], bom=bom), "co-quan.csv")

    assert summary == ImportSummary(added=3, updated=0, unchanged=0)
    assert listed(organisations["48"]) == [tuple(row) for row in ROWS]


def test_a_semicolon_separated_csv_imports_as_excel_saves_it_in_vietnamese_settings(
    danang_office: User, organisations: dict[str, Organisation]
) -> None:
    content = csv_bytes([HEADER, *ROWS], delimiter=";")

    assert imported(danang_office, organisations["48"], content, "CO-QUAN.CSV").added == 3


def test_headers_match_in_any_order_case_and_accents_and_blank_rows_are_skipped(
    danang_office: User, organisations: dict[str, Organisation]
) -> None:
    rows = [
        ["ĐẦU MỐI LIÊN HỆ", "ten co quan don vi", "  Tên  viết tắt ", "Ghi chú"],
        ["0236 3821 111", "Sở Nội vụ", "SNV", "bỏ qua"],
        ["", "", "", ""],
        ["", "Sở Y tế", "", ""],
    ]

    summary = imported(danang_office, organisations["48"], xlsx(rows), "co-quan.xlsx")

    assert summary == ImportSummary(added=2, updated=0, unchanged=0)
    assert listed(organisations["48"]) == [("Sở Nội vụ", "SNV", "0236 3821 111"), ("Sở Y tế", "", "")]


def test_importing_the_same_sheet_again_changes_nothing(
    danang_office: User, organisations: dict[str, Organisation]
) -> None:
    content = xlsx([HEADER, *ROWS])
    imported(danang_office, organisations["48"], content, "co-quan.xlsx")
    before = list(Department.objects.of_unit(organisations["48"].pk).order_by("pk").values_list())

    summary = imported(danang_office, organisations["48"], content, "co-quan.xlsx")

    assert summary == ImportSummary(added=0, updated=0, unchanged=3)
    assert list(Department.objects.of_unit(organisations["48"].pk).order_by("pk").values_list()) == before


def test_a_row_naming_a_listed_department_updates_its_short_name_and_contact(
    danang_office: User, organisations: dict[str, Organisation], danang_departments: dict[str, Department]
) -> None:
    rows = [HEADER, ["  SỞ NỘI VỤ ", "Sở NV", "Phòng CCHC"], ["Sở Tài chính", "STC", ""], ["Sở Y tế", "SYT", ""]]

    summary = imported(danang_office, organisations["48"], xlsx(rows), "co-quan.xlsx")

    assert summary == ImportSummary(added=1, updated=1, unchanged=1)
    # The listed name stays as it was written first; only the short name and contact follow the sheet.
    assert listed(organisations["48"]) == [
        ("Sở Nội vụ", "Sở NV", "Phòng CCHC"),
        ("Sở Tài chính", "STC", ""),
        ("Sở Y tế", "SYT", ""),
    ]


def test_one_bad_row_and_nothing_is_saved_every_problem_named_by_row_and_column(
    danang_office: User, organisations: dict[str, Organisation], danang_departments: dict[str, Department]
) -> None:
    rows = [
        ["Tên viết tắt", "Tên cơ quan, đơn vị", "Đầu mối liên hệ"],
        ["SYT", "Sở Y tế", "0236 3822 777"],
        ["STC", "", ""],
        ['=HYPERLINK("http://x")', "Sở Xây dựng", "+84 236 3822 555"],
        ["", "sở y  tế", ""],
        ["S" * 61, "Sở Công Thương", ""],
        ["STC mới", "Sở Tài chính", ""],
    ]
    before = listed(organisations["48"])

    problems = refusal(danang_office, organisations["48"], xlsx(rows), "co-quan.xlsx")

    assert problems == [
        "Dòng 3, cột B (Tên cơ quan, đơn vị): Nhập tên cơ quan, đơn vị.",
        "Dòng 4, cột A (Tên viết tắt): Không được bắt đầu bằng dấu =, +, - hoặc @ (bảng tính sẽ hiểu là công thức).",
        "Dòng 4, cột C (Đầu mối liên hệ): Không được bắt đầu bằng dấu =, +, - hoặc @ (bảng tính sẽ hiểu là công "
        "thức). Số điện thoại hãy viết 0236 3822 222 thay cho +84 236 3822 222.",
        "Dòng 5, cột B (Tên cơ quan, đơn vị): “sở y tế” đã có ở dòng 2.",
        "Dòng 6, cột A (Tên viết tắt): Tên viết tắt dài tối đa 60 ký tự (hiện có 61).",
    ]
    assert listed(organisations["48"]) == before


def test_formula_text_in_a_csv_is_refused(danang_office: User, organisations: dict[str, Organisation]) -> None:
    content = csv_bytes([HEADER, ["@SUM(1+1)*cmd|' /C calc'!A0", "", ""], ["Sở Y tế", "-SYT", ""]])

    assert refusal(danang_office, organisations["48"], content, "co-quan.csv") == [
        "Dòng 2, cột A (Tên cơ quan, đơn vị): Không được bắt đầu bằng dấu =, +, - hoặc @ (bảng tính sẽ hiểu là "
        "công thức).",
        "Dòng 3, cột B (Tên viết tắt): Không được bắt đầu bằng dấu =, +, - hoặc @ (bảng tính sẽ hiểu là công thức).",
    ]
    assert listed(organisations["48"]) == []


def test_a_formula_cell_in_a_workbook_is_refused_for_its_value_may_not_be_what_the_office_sees(
    danang_office: User, organisations: dict[str, Organisation]
) -> None:
    content = xlsx([HEADER, ["Sở Y tế", '=UPPER("syt")', ""]], formulas=True)

    assert refusal(danang_office, organisations["48"], content, "co-quan.xlsx") == [
        "Dòng 2, cột B: ô chứa công thức; hãy nhập giá trị."
    ]


def test_a_control_character_in_a_cell_is_refused(danang_office: User, organisations: dict[str, Organisation]) -> None:
    content = csv_bytes([HEADER, ["Sở Y\x1b tế", "", ""]])

    assert refusal(danang_office, organisations["48"], content, "co-quan.csv") == [
        "Dòng 2, cột A: Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không hợp lệ (U+001B): hãy xóa chúng."
    ]


@pytest.mark.parametrize(
    ("header", "problems"),
    [
        (["Tên đơn vị", "Tên viết tắt", "Liên hệ"], [
            "Dòng 1: thiếu cột “Tên cơ quan, đơn vị”, “Đầu mối liên hệ”. Dòng tiêu đề phải là: Tên cơ quan, đơn vị "
            "| Tên viết tắt | Đầu mối liên hệ.",
        ]),
        (["Tên cơ quan, đơn vị", "Tên viết tắt", "Đầu mối liên hệ", "TÊN VIẾT TẮT"], [
            "Dòng 1, cột D: cột “Tên viết tắt” lặp lại (đã có ở cột B).",
        ]),
        (["", "", ""], ["Dòng 1 phải là dòng tiêu đề: Tên cơ quan, đơn vị | Tên viết tắt | Đầu mối liên hệ."]),
    ],
)  # fmt: skip
def test_a_sheet_without_the_templates_header_is_refused(
    header: list[str], problems: list[str], danang_office: User, organisations: dict[str, Organisation]
) -> None:
    content = xlsx([header, ["Sở Y tế", "SYT", "0236 3822 777", ""]])

    assert refusal(danang_office, organisations["48"], content, "co-quan.xlsx") == problems
    assert listed(organisations["48"]) == []


def test_a_file_of_another_kind_is_refused(danang_office: User, organisations: dict[str, Organisation]) -> None:
    assert refusal(danang_office, organisations["48"], b"\xd0\xcf\x11\xe0", "co-quan.xls") == [
        "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."
    ]
    assert refusal(danang_office, organisations["48"], b"not a zip", "co-quan.xlsx") == [
        "Tệp không phải là tệp Excel (.xlsx) hợp lệ."
    ]
    assert refusal(danang_office, organisations["48"], "Tên".encode("utf-16"), "co-quan.csv") == [
        "Tệp CSV phải dùng mã UTF-8."
    ]


def test_a_file_over_two_megabytes_is_refused_before_it_is_read(
    danang_office: User, organisations: dict[str, Organisation]
) -> None:
    content = csv_bytes([HEADER]) + b"x" * (2 * 1024 * 1024)

    assert refusal(danang_office, organisations["48"], content, "co-quan.csv") == [
        "Tệp lớn hơn 2 MB: hãy chia danh sách thành nhiều tệp."
    ]


def test_more_than_five_hundred_departments_at_once_are_refused(
    danang_office: User, organisations: dict[str, Organisation]
) -> None:
    rows = [HEADER, *([f"Phòng {number}", "", ""] for number in range(501))]

    assert refusal(danang_office, organisations["48"], csv_bytes(rows), "co-quan.csv") == [
        "Tệp có 501 cơ quan, đơn vị; mỗi lần nhập tối đa 500."
    ]
    assert imported(danang_office, organisations["48"], csv_bytes(rows[:501]), "co-quan.csv").added == 500


def test_the_template_holds_the_header_only_and_imports_as_an_empty_list(
    danang_office: User, organisations: dict[str, Organisation]
) -> None:
    content = department_template()

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [HEADER]
    assert refusal(danang_office, organisations["48"], content, "mau.xlsx") == [
        "Tệp chỉ có dòng tiêu đề, chưa có cơ quan, đơn vị nào."
    ]


def test_a_filled_template_imports(danang_office: User, organisations: dict[str, Organisation]) -> None:
    workbook = load_workbook(io.BytesIO(department_template()))
    sheet = workbook.active
    assert sheet is not None
    for row in ROWS:
        sheet.append(row)

    assert imported(danang_office, organisations["48"], workbook_bytes(workbook), "mau.xlsx").added == 3


def test_a_reader_may_not_import(danang_reporter: User, organisations: dict[str, Organisation]) -> None:
    sheet = read_department_sheet(content=xlsx([HEADER, *ROWS]), filename="co-quan.xlsx")

    with pytest.raises(Forbidden):
        import_departments(user=danang_reporter, organisation_id=organisations["48"].pk, sheet=sheet)

    assert listed(organisations["48"]) == []
