"""A unit's submission as an Excel template: download it, fill it offline, upload it back.

One row per leaf the unit reports, with the current values and version; the inputs carry the
rule's allowed values as data validation. Reading names the row and column of every problem;
nothing here writes to the database (the service applies the rows, all or nothing).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django import forms
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import Organisation, match_organisation
from common.formatting import parse_number
from common.rules import input_fields
from common.spreadsheets import (
    SpreadsheetError,
    as_text,
    open_workbook,
    read_rows,
    read_table,
    workbook_bytes,
    write_row,
)
from indicators.models import Node
from indicators.rules import Rule
from submissions.models import Answer, Submission

from .errors import ImportRejected

SHEET = "Số liệu"
COLUMNS = ["key", "code", "name", "max_points", "rule", "value", "numerator", "denominator", "choice",
           "explanation", "version"]  # fmt: skip
HEADERS = {
    "key": "Khóa (key)",
    "code": "Mã",
    "name": "Chỉ số / tiêu chí",
    "max_points": "Điểm tối đa",
    "rule": "Cách tính",
    "value": "Giá trị (Có/Không, %, số lượng)",
    "numerator": "Tử số",
    "denominator": "Mẫu số",
    "choice": "Mức",
    "explanation": "Giải thích",
    "version": "Phiên bản (không sửa)",
}
YES, NO = "Có", "Không"
MAX_ROWS = 5000


def column_letter(column: str) -> str:
    """The spreadsheet column of a field: "value" → "F"."""
    return chr(ord("A") + COLUMNS.index(column))


def write_submission_workbook(submission: Submission) -> bytes:
    """Return the submission's self-reported leaves as an .xlsx template with current values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    write_row(sheet, [HEADERS[name] for name in COLUMNS])
    write_row(sheet, COLUMNS)
    sheet.row_dimensions[2].hidden = True
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    editable = PatternFill("solid", fgColor="FFF7E0")
    validations: dict[str, DataValidation] = {}

    def validate(kind: str, **options: Any) -> DataValidation:
        if kind not in validations:
            validation = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle=_("Giá trị không hợp lệ"),
                                        **options)  # fmt: skip
            sheet.add_data_validation(validation)
            validations[kind] = validation
        return validations[kind]

    answers = submission.answers.select_related("node").filter(node__source="self_report").order_by("node__order")
    for answer in answers:
        node = answer.node
        value: Any = answer.value
        if node.rule == Rule.BOOLEAN and value is not None:
            value = YES if value else NO
        write_row(
            sheet,
            [node.key, node.code, node.name, node.max_points, node.get_rule_display(), value, answer.numerator,
             answer.denominator, answer.choice, answer.explanation, answer.version],
        )  # fmt: skip
        row = sheet.max_row
        inputs = input_fields(node.rule)
        for column in (*inputs, "explanation"):
            sheet[f"{column_letter(column)}{row}"].fill = editable
        cell = f"{column_letter('value')}{row}"
        if node.rule == Rule.BOOLEAN:
            validate("boolean", type="list", formula1=f'"{YES},{NO}"').add(cell)
        elif node.rule == Rule.PERCENTAGE:
            validate("percentage", type="decimal", operator="between", formula1="0", formula2="100",
                     error=_("Tỷ lệ phải từ 0 đến 100 (%).")).add(cell)  # fmt: skip
        elif node.rule in (Rule.COUNT, Rule.MANUAL):
            validate("number", type="decimal", operator="greaterThanOrEqual", formula1="0",
                     error=_("Giá trị không được âm.")).add(cell)  # fmt: skip
        elif node.rule == Rule.RATIO:
            ratio = validate("ratio", type="decimal", operator="greaterThanOrEqual", formula1="0",
                             error=_("Giá trị không được âm."))  # fmt: skip
            ratio.add(f"{column_letter('numerator')}{row}")
            ratio.add(f"{column_letter('denominator')}{row}")
        elif node.rule == Rule.LEVELS:
            labels = ",".join(level["label"].replace(",", " ") for level in node.parameters.get("levels", []))
            # Each leaf has its own bands, so each gets its own list.
            validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True, showErrorMessage=True)
            sheet.add_data_validation(validation)
            validation.add(f"{column_letter('choice')}{row}")
    for column, width in zip(COLUMNS, [14, 10, 60, 10, 22, 16, 12, 12, 18, 40, 10], strict=True):
        sheet.column_dimensions[column_letter(column)].width = width
    sheet.freeze_panes = "C3"
    return workbook_bytes(workbook)


@dataclass(frozen=True, order=True)
class RowProblem:
    """A problem of one row of an uploaded template, in words; sorted by row, then column."""

    row: int
    column: str
    text: str = field(compare=False)

    def __str__(self) -> str:
        return self.text


def sorted_problems(problems: list[RowProblem]) -> list[str]:
    """The problems as a person reads them down the sheet: by row, then column."""
    return [problem.text for problem in sorted(problems)]


@dataclass
class RowInput:
    """One row of an uploaded template: which answer, the version it was filled from, what it says."""

    row: int
    answer: Answer
    version: int
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class WorkbookReading:
    rows: list[RowInput] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)


def read_submission_workbook(file: IO[bytes] | bytes, submission: Submission) -> WorkbookReading:
    """Read an uploaded template of this submission; every problem names its row and column.

    Raises SpreadsheetError when the file is not a workbook or not this template at all.
    """
    workbook = open_workbook(file)
    if SHEET not in workbook.sheetnames:
        raise SpreadsheetError(_("Tệp không theo mẫu: không có trang “%(sheet)s”.") % {"sheet": SHEET})
    # Every cell is read before any is used: a formula or refused text anywhere refuses the file.
    rows = iter(read_rows(workbook[SHEET], max_rows=MAX_ROWS))
    next(rows, None)
    codes = [as_text(value) for value in next(rows, ())]
    if codes[: len(COLUMNS)] != COLUMNS:
        raise SpreadsheetError(_("Tệp không theo mẫu của hồ sơ: dòng 2 phải giữ nguyên các mã cột."))
    answers = {
        answer.node.key: answer
        for answer in submission.answers.select_related("node").filter(node__source="self_report")
    }
    reading = WorkbookReading()
    seen: dict[str, int] = {}
    for number, raw in enumerate(rows, start=3):
        cells = dict(zip(COLUMNS, raw, strict=False))
        if all(value in (None, "") for value in cells.values()):
            continue
        key = as_text(cells.get("key"))
        answer = answers.get(key)
        if answer is None:
            message = _("Dòng %(row)s, cột A: không có chỉ số “%(key)s” mà đơn vị nhập.")
            reading.errors.append(RowProblem(number, "A", message % {"row": number, "key": key}))
            continue
        if key in seen:
            message = _("Dòng %(row)s: chỉ số %(code)s đã có ở dòng %(first)s.")
            reading.errors.append(
                RowProblem(number, "A", message % {"row": number, "code": answer.node.code, "first": seen[key]})
            )
            continue
        seen[key] = number
        try:
            version = int(as_text(cells.get("version")))
        except ValueError:
            message = _("Dòng %(row)s, cột %(col)s: phiên bản phải giữ nguyên như khi tải về.")
            place = column_letter("version")
            reading.errors.append(RowProblem(number, place, message % {"row": number, "col": place}))
            continue
        values: dict[str, Any] = {"explanation": as_text(cells.get("explanation"))}
        problems = []
        for column in input_fields(answer.node.rule):
            try:
                values[column] = _cell_value(answer, column, cells.get(column))
            except forms.ValidationError as error:
                problems.append(cell_problem(number, column, answer.node.code, error.messages[0]))
        if problems:
            reading.errors.extend(problems)
            continue
        reading.rows.append(RowInput(row=number, answer=answer, version=version, values=values))
    return reading


def cell_problem(row: int, column: str, code: str, reason: str) -> RowProblem:
    """A refused cell of a leaf's row: "Dòng 4, cột F (1.1.2): …"."""
    place = column_letter(column)
    message = _("Dòng %(row)s, cột %(col)s (%(code)s): %(reason)s")
    return RowProblem(row, place, message % {"row": row, "col": place, "code": code, "reason": reason})


def _cell_value(answer: Answer, column: str, value: Any) -> Decimal | str | None:
    if column == "choice":
        return as_text(value)
    if value is None or value == "":
        return None
    if answer.node.rule == Rule.BOOLEAN and column == "value":
        text = as_text(value).casefold()
        if text in (YES.casefold(), "1", "yes", "true"):
            return Decimal(1)
        if text in (NO.casefold(), "0", "no", "false"):
            return Decimal(0)
        raise forms.ValidationError(_("Ghi “Có” hoặc “Không”."))
    if isinstance(value, bool):
        raise forms.ValidationError(_("Nhập một số, ví dụ 63,56."))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    return parse_number(as_text(value))


# The authority's sheet of values for a whole campaign.


@dataclass(frozen=True)
class AuthorityCell:
    """One filled cell of the authority's sheet: a unit's number for one leaf, and where it stands."""

    row: int
    place: str
    organisation: Organisation
    leaf: Node
    value: Decimal


@dataclass
class AuthoritySheet:
    cells: list[AuthorityCell]
    problems: list[str]


def read_authority_sheet(
    content: bytes, filename: str, *, leaves: list[Node], reported_keys: set[str], units: dict[str, Organisation]
) -> AuthoritySheet:
    """Read one sheet of authority values: column A names the unit (code, or the name as printed, looked
    up in `units`, a `name_index()`); the header row names a leaf per column (its key or printed code);
    an empty cell leaves the value as it is. Every problem names its row and column; nothing is stored.
    """
    table = read_table(content, filename)
    if len(table) < 2:
        raise ImportRejected([_("Tệp không có dữ liệu: cần một dòng tiêu đề và ít nhất một dòng đơn vị.")])
    by_key = {leaf.key: leaf for leaf in leaves}
    code_counts = Counter(leaf.code for leaf in leaves)
    by_code = {leaf.code: leaf for leaf in leaves if code_counts[leaf.code] == 1}
    problems: list[str] = []
    columns: dict[int, Node] = {}
    for position, title in enumerate(table[0][1:], start=1):
        title = title.strip()
        if not title:
            continue
        leaf = by_key.get(title) or by_code.get(title)
        if leaf is None:
            message = (
                _("chỉ số “%(title)s” do đơn vị tự báo cáo, không nhập ở đây.")
                if title in reported_keys
                else _("không có chỉ số “%(title)s” do cơ quan đánh giá cung cấp trong bộ chỉ số.")
            )
            problems.append(
                _("Dòng 1, cột %(col)s: %(message)s")
                % {"col": get_column_letter(position + 1), "message": message % {"title": title}}
            )
            continue
        columns[position] = leaf
    cells: list[AuthorityCell] = []
    seen: dict[int, int] = {}
    for number, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        name = row[0].strip() if row else ""
        organisation = match_organisation(units, name)
        if organisation is None:
            problems.append(
                _("Dòng %(row)s, cột A: không có đơn vị “%(name)s” trong đợt đánh giá.") % {"row": number, "name": name}
            )
            continue
        if organisation.pk in seen:
            problems.append(
                _("Dòng %(row)s, cột A: đơn vị “%(name)s” đã có ở dòng %(first)s.")
                % {"row": number, "name": name, "first": seen[organisation.pk]}
            )
            continue
        seen[organisation.pk] = number
        for position, leaf in columns.items():
            text = row[position].strip() if position < len(row) else ""
            if not text:
                continue
            place = _("Dòng %(row)s, cột %(col)s (%(code)s)") % {
                "row": number,
                "col": get_column_letter(position + 1),
                "code": leaf.key,
            }
            try:
                value = parse_number(text)
            except forms.ValidationError:
                value = None
            if value is None:
                problems.append(_("%(place)s: “%(text)s” không phải là số.") % {"place": place, "text": text})
                continue
            cells.append(AuthorityCell(row=number, place=place, organisation=organisation, leaf=leaf, value=value))
    return AuthoritySheet(cells=cells, problems=problems)
