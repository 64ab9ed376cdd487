"""Reading and writing Excel files safely, for every import and export of the portal.

Reading: an .xlsx file is a zip of XML. Before openpyxl sees it, the archive's entry count and
declared uncompressed size are checked (zip bombs), and openpyxl parses its XML through
defusedxml (entity expansion), which it does by itself once defusedxml is installed.
Writing: text that a spreadsheet would take for a formula (= + - @ tab CR) is written as text, and
the control characters a workbook cannot hold are left out, so stored text never breaks an export.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

from .errors import Rejected

MAX_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(Rejected):
    """The file is not a workbook the portal will read; the message says why, in the user's language."""


def open_workbook(file: IO[bytes] | bytes) -> Workbook:
    """Open an uploaded .xlsx read-only, values only, after checking it is not a zip bomb."""
    content = file if isinstance(file, bytes) else file.read()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise SpreadsheetError(_("Tệp không phải là tệp Excel (.xlsx) hợp lệ.")) from None
    entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    if len(entries) > MAX_ENTRIES or total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_COMPRESSION_RATIO:
        raise SpreadsheetError(_("Tệp Excel có cấu trúc bất thường (quá lớn khi giải nén) nên bị từ chối."))
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors for a damaged file
        raise SpreadsheetError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng.")) from None


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
    """Read a table from CSV (UTF-8, comma or semicolon) or .xlsx (first sheet) as rows of text cells."""
    if filename.lower().endswith(".xlsx"):
        sheet = open_workbook(content).worksheets[0]
        return [[as_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(_("Tệp CSV phải dùng mã UTF-8.")) from None
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
