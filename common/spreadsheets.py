"""Reading and writing Excel files safely, for every import and export of the portal.

Reading: an .xlsx file is a zip of XML. Before openpyxl sees it, the archive's entry count and
declared uncompressed size are checked (zip bombs), and openpyxl parses its XML through
defusedxml (entity expansion), which it does by itself once defusedxml is installed. The workbook
is opened with its formulas, not the values Excel cached for them: a formula cell is refused (its
cached value may be missing or stale, and an import would store that instead of what the person
sees), and so is text with the characters `common.text` refuses; `read_rows` names each such cell.
A damaged file, however it is damaged, is refused with one message.
Writing: text that a spreadsheet would take for a formula (= + - @ tab CR) is written as text, and
the control characters a workbook cannot hold are left out, so stored text never breaks an export.
CSV: `csv_cell` neutralises text that a spreadsheet would run as a formula; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import lzma
import zipfile
import zlib
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from lxml.etree import LxmlError
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from .errors import Rejected
from .text import normalise_newlines, text_problem

MAX_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ROWS = 10_000
# openpyxl pads every row to the sheet's declared width: a few kilobytes declaring column XFD
# (16 384) on every row would otherwise take minutes and gigabytes to read.
MAX_COLUMNS = 1_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# What reading a damaged archive or its XML raises, found by fuzzing templates: zipfile, zlib, lzma
# and EOFError/OSError for a damaged entry, NotImplementedError for an unknown compression or zip
# version, RuntimeError for an entry flagged as encrypted, KeyError for a part the archive lacks,
# expat's ParseError for XML cut short, ValueError (openpyxl wraps its own failures in it, and
# defusedxml's refusal of entities is one), TypeError for an attribute of the wrong kind, and lxml's
# errors: with lxml installed (python-docx needs it) openpyxl parses some parts with it.
DAMAGED = (
    zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, NotImplementedError, RuntimeError, KeyError,
    ParseError, ValueError, TypeError, LxmlError,
)  # fmt: skip


class SpreadsheetError(Rejected):
    """The file is not a workbook the portal will read; the message says why, in the user's language."""


def _damaged() -> SpreadsheetError:
    return SpreadsheetError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng."))


def open_workbook(file: IO[bytes] | bytes) -> Workbook:
    """Open an uploaded .xlsx read-only, with its formulas, after checking it is not a zip bomb.

    Read its sheets with `read_rows`, which refuses formulas and unsafe text and reads the XML.
    """
    content = file if isinstance(file, bytes) else file.read()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise SpreadsheetError(_("Tệp không phải là tệp Excel (.xlsx) hợp lệ.")) from None
    except DAMAGED:
        raise _damaged() from None
    entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    if len(entries) > MAX_ENTRIES or total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_COMPRESSION_RATIO:
        raise SpreadsheetError(_("Tệp Excel có cấu trúc bất thường (quá lớn khi giải nén) nên bị từ chối."))
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except DAMAGED:
        raise _damaged() from None


def read_rows(
    sheet: ReadOnlyWorksheet | Worksheet, *, max_rows: int = MAX_ROWS, name_sheet: bool = False
) -> list[tuple[Any, ...]]:
    """Every row of an uploaded sheet as its cells' values, text with its line endings read as LF.

    All or nothing: a cell holding a formula, or text with refused characters, is named by its row
    and column ("Dòng 4, cột J: …", or "Trang “Chỉ số”, dòng 4, cột J: …" with `name_sheet`), every
    such cell, and SpreadsheetError lists them; it refuses a sheet of more than `max_rows` rows or
    MAX_COLUMNS columns, or one whose XML cannot be read (cut short, damaged), too.
    """
    title = sheet.title if name_sheet else None
    rows: list[tuple[Any, ...]] = []
    problems: list[str] = []
    too_wide = SpreadsheetError(_("Tệp có quá nhiều cột (tối đa %(max)s).") % {"max": MAX_COLUMNS})
    if (sheet.max_column or 0) > MAX_COLUMNS:
        raise too_wide
    try:
        for cells in sheet.iter_rows():
            if len(rows) >= max_rows:
                raise SpreadsheetError(_("Tệp có quá nhiều dòng."))
            if len(cells) > MAX_COLUMNS:  # a sheet that declares no width is as wide as its widest row
                raise too_wide
            values = []
            for cell in cells:
                value = cell.value
                if cell.data_type == "f":
                    problems.append(_in_cell(title, cell.row, cell.column_letter,
                                             _("ô chứa công thức; hãy nhập giá trị.")))  # fmt: skip
                elif isinstance(value, str):
                    value = normalise_newlines(value)
                    problem = text_problem(value)
                    if problem is not None:
                        problems.append(_in_cell(title, cell.row, cell.column_letter, problem))
                values.append(value)
            rows.append(tuple(values))
    except DAMAGED:
        raise _damaged() from None
    if problems:
        raise SpreadsheetError(problems)
    return rows


def _in_cell(sheet: str | None, row: int, column: str, problem: str) -> str:
    place = {"sheet": sheet, "row": row, "col": column, "problem": problem}
    if sheet is None:
        return _("Dòng %(row)s, cột %(col)s: %(problem)s") % place
    return _("Trang “%(sheet)s”, dòng %(row)s, cột %(col)s: %(problem)s") % place


def as_text(value: Any) -> str:
    """Return a cell's value as stripped text ("" for empty cells)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def write_row(sheet: Worksheet, values: list[Any]) -> None:
    """Append a row, forcing any text that looks like a formula to stay text.

    Control characters a workbook cannot hold are left out: text stored before the inputs refused
    them (or by a path that does not check) must not make the download fail.
    """
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in values])
    for cell in sheet[sheet.max_row]:
        neutralise(cell)


def neutralise(cell: Cell) -> None:
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_table(content: bytes, filename: str) -> list[list[str]]:
    """Read a table from CSV (UTF-8, comma or semicolon) or .xlsx (first sheet) as rows of text cells.

    Either way, a cell with refused characters (or, in a workbook, a formula) refuses the table.
    """
    if filename.lower().endswith(".xlsx"):
        sheets = open_workbook(content).worksheets
        if not sheets:  # Excel never saves a workbook without a sheet
            raise _damaged()
        return [[as_text(value) for value in row] for row in read_rows(sheets[0])]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(_("Tệp CSV phải dùng mã UTF-8.")) from None
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    table = [[normalise_newlines(cell).strip() for cell in row]
             for row in csv.reader(io.StringIO(text), delimiter=delimiter)]  # fmt: skip
    problems = [
        _in_cell(None, number, get_column_letter(position + 1), problem)
        for number, row in enumerate(table, start=1)
        for position, cell in enumerate(row)
        if (problem := text_problem(cell)) is not None
    ]
    if problems:
        raise SpreadsheetError(problems)
    return table


def csv_cell(value: Any) -> Any:
    """One CSV cell, safe to open in a spreadsheet: text starting with = + - @ tab or CR gets a leading
    apostrophe, so it is shown as text and never run as a formula. Numbers are written as numbers
    (a negative one keeps its minus sign; a Decimal in plain notation), None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row of `csv_cell`s."""
    return [csv_cell(value) for value in values]
