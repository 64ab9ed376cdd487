"""Reading and writing workbooks and CSV safely: formulas and unsafe text in an upload are refused by
row and column, a damaged file is refused with one message, exports never fail on stored text, and
CSV text that a spreadsheet would run is neutralised."""

from __future__ import annotations

import io
import random
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from common.spreadsheets import (
    SpreadsheetError,
    csv_cell,
    open_workbook,
    read_rows,
    read_table,
    workbook_bytes,
    write_row,
)

DAMAGED = "Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng."


def workbook_of(rows: list[list[Any]], title: str = "Trang tính") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        write_row(sheet, row)
    return workbook_bytes(workbook)


def with_formulas(content: bytes, formulas: dict[str, str]) -> bytes:
    """The workbook with formulas typed into cells, as a person would in Excel."""
    workbook = load_workbook(io.BytesIO(content))
    for place, formula in formulas.items():
        workbook.active[place] = formula
    return workbook_bytes(workbook)


def first_sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    return read_rows(open_workbook(content).worksheets[0])


def test_an_export_leaves_out_the_characters_a_workbook_cannot_hold() -> None:
    content = workbook_of([["bell\u0007 esc\u001b", "tab\tand\nnewline", 5]])

    assert first_sheet_rows(content) == [("bell esc", "tab\tand\nnewline", 5)]


def test_every_formula_cell_is_refused_by_its_row_and_column() -> None:
    content = with_formulas(workbook_of([["key", "value"], ["1.1.1", 5], ["1.1.2", 6]]),
                            {"B2": "=2+3", "C3": '=CONCAT("a","b")'})  # fmt: skip

    with pytest.raises(SpreadsheetError) as raised:
        first_sheet_rows(content)

    assert raised.value.problems == [
        "Dòng 2, cột B: ô chứa công thức; hãy nhập giá trị.",
        "Dòng 3, cột C: ô chứa công thức; hãy nhập giá trị.",
    ]


def test_text_that_looks_like_a_formula_written_as_text_reads_back_as_text() -> None:
    content = workbook_of([['=HYPERLINK("http://example.com","x")', "-5 đơn vị", "@SUM"]])

    assert first_sheet_rows(content) == [('=HYPERLINK("http://example.com","x")', "-5 đơn vị", "@SUM")]


def test_a_cell_with_refused_characters_is_named_and_line_endings_are_read_as_line_feeds() -> None:
    refused = workbook_of([["Theo\u202e báo cáo", "ok"], ["x", "Huế\u2069"]])
    windows = workbook_of([["một\r\nhai"]])

    with pytest.raises(SpreadsheetError) as raised:
        first_sheet_rows(refused)

    reason = "Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không hợp lệ (%s): hãy xóa chúng."
    assert raised.value.problems == [f"Dòng 1, cột A: {reason % 'U+202E'}", f"Dòng 2, cột B: {reason % 'U+2069'}"]
    assert first_sheet_rows(windows) == [("một\nhai",)]


def test_a_sheet_can_name_itself_in_each_problem() -> None:
    content = with_formulas(workbook_of([["code"], ["1"]], title="Chỉ số"), {"A2": "=1"})

    with pytest.raises(SpreadsheetError) as raised:
        read_rows(open_workbook(content)["Chỉ số"], name_sheet=True)

    assert raised.value.problems == ["Trang “Chỉ số”, dòng 2, cột A: ô chứa công thức; hãy nhập giá trị."]


def test_a_sheet_longer_than_the_limit_is_refused() -> None:
    content = workbook_of([[number] for number in range(12)])

    with pytest.raises(SpreadsheetError) as raised:
        read_rows(open_workbook(content).worksheets[0], max_rows=10)

    assert raised.value.problems == ["Tệp có quá nhiều dòng."]


def with_sheet_xml(content: bytes, sheet_data: str, dimension: str | None) -> bytes:
    """The same workbook, its first sheet's XML replaced by these rows (and a declared size, if any)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    namespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    size = f'<dimension ref="{dimension}"/>' if dimension else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = f'<worksheet xmlns="{namespace}">{size}<sheetData>{sheet_data}</sheetData></worksheet>'.encode()
            archive.writestr(item, data)
    return buffer.getvalue()


@pytest.mark.parametrize("dimension", ["A1:XFD3", None], ids=["declared", "undeclared"])
def test_a_sheet_wider_than_the_limit_is_refused_before_its_rows_are_padded(dimension: str | None) -> None:
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="n"><v>1</v></c><c r="XFD{n}" t="n"><v>2</v></c></row>' for n in (1, 2, 3)
    )
    content = with_sheet_xml(workbook_of([["a"]]), rows, dimension)

    with pytest.raises(SpreadsheetError) as raised:
        first_sheet_rows(content)

    assert raised.value.problems == ["Tệp có quá nhiều cột (tối đa 1000)."]


def cut_sheet(content: bytes, keep: float) -> bytes:
    """The same workbook, the first sheet's XML cut short to `keep` of its length."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: int(len(data) * keep)]
            archive.writestr(item, data)
    return buffer.getvalue()


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.9])
def test_a_sheet_cut_short_is_refused_as_unreadable(keep: float) -> None:
    content = cut_sheet(workbook_of([[f"dòng {number}", number, "giải thích"] for number in range(200)]), keep)

    with pytest.raises(SpreadsheetError) as raised:
        first_sheet_rows(content)

    assert raised.value.problems == [DAMAGED]


def damaged_copies(content: bytes, count: int, seed: int) -> list[bytes]:
    """Copies with flipped bits, deleted or inserted runs: in the zip itself, or in one of its parts."""
    rng = random.Random(seed)
    source = zipfile.ZipFile(io.BytesIO(content))
    parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    copies = []
    for number in range(count):
        if number % 2:
            damaged = bytearray(content)
        else:
            name = rng.choice(sorted(parts))
            damaged = bytearray(parts[name])
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(damaged) or 1)
            choice = rng.randrange(3)
            if choice == 0 and damaged:
                damaged[at] ^= 1 << rng.randrange(8)
            elif choice == 1:
                del damaged[at : at + rng.randint(1, 40)]
            else:
                damaged[at:at] = rng.choice([b"<", b'"', b"&", b'<c r="B9" t="n"><v>x</v></c>', rng.randbytes(8)])
        if number % 2 == 0:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for part, data in parts.items():
                    archive.writestr(part, bytes(damaged) if part == name else data)
            damaged = bytearray(buffer.getvalue())
        copies.append(bytes(damaged))
    return copies


@pytest.mark.filterwarnings("ignore::UserWarning:openpyxl")  # openpyxl warns of the parts it skips
def test_six_hundred_damaged_workbooks_are_each_read_or_refused_with_a_message() -> None:
    content = workbook_of([["key", "value", "explanation"], *([f"1.{n}", n * 1.5, "Theo báo cáo"] for n in range(40))])
    verdicts = {"read": 0, "refused": 0}
    messages: set[str] = set()

    for copy in damaged_copies(content, 600, seed=20261202):
        try:
            read_table(copy, "so-lieu.xlsx")
        except SpreadsheetError as error:
            verdicts["refused"] += 1
            messages.update(error.problems)
        else:
            verdicts["read"] += 1

    assert verdicts["read"] + verdicts["refused"] == 600
    assert verdicts["refused"] > 300
    assert DAMAGED in messages
    assert "" not in messages


def test_a_csv_cell_with_refused_characters_refuses_the_table() -> None:
    content = 'Đơn vị;2.1.2\n48\u0007;12\n46;"một\r\nhai"\n'.encode()

    with pytest.raises(SpreadsheetError) as raised:
        read_table(content, "tt.csv")

    assert raised.value.problems == [
        "Dòng 2, cột A: Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không hợp lệ (U+0007): hãy xóa chúng."
    ]
    assert read_table("Đơn vị;ghi chú\n46;\"một\r\nhai\"\n".encode(), "tt.csv") == [["Đơn vị", "ghi chú"],
                                                                                    ["46", "một\nhai"]]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+84 236", "'+84 236"),
        ("-1 đơn vị", "'-1 đơn vị"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Thừa Thiên Huế", "Thừa Thiên Huế"),
        ("a=b", "a=b"),
        (Decimal("-0.1200"), "-0.1200"),
        (Decimal("1E+1"), "10"),
        (-3, -3),
        (-0.25, -0.25),
        (True, True),
        (None, ""),
    ],
)
def test_a_csv_cell_neutralises_text_a_spreadsheet_would_run_and_keeps_numbers(value: Any, cell: Any) -> None:
    assert csv_cell(value) == cell
