"""A unit's departments: the Sở, Ban, ngành and district People's Committees of a province, or the
Vụ, Cục… of a ministry, that an improvement plan makes responsible for an index.

The unit's office or leader keeps the list, by hand or from a sheet. Every write checks its text the
same way: the name is required and unique within the unit (case and spacing ignored), each field has
its length, and no field holds text that would break an export (control characters, or a start that a
spreadsheet runs as a formula). An import is all or nothing: any bad row and nothing is saved, every
problem named by its row and column; a row naming an existing department updates it, so importing
the same sheet twice leaves the list as the first import left it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from common.errors import Forbidden, InvalidInput, Rejected, WorkflowError
from common.spreadsheets import FORMULA_PREFIXES, read_table, workbook_bytes, write_row
from common.text import text_problem

from .models import Department, Organisation, User, department_name_key
from .names import search_form

NAME_MAX = 200
SHORT_NAME_MAX = 60
CONTACT_MAX = 300
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_SHEET_ROWS = 500

# The sheet's header, in the template's order. It is the import's contract, so it is not translated:
# a sheet filled by an office that reads the portal in English imports the same.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Tên cơ quan, đơn vị"),
    ("short_name", "Tên viết tắt"),
    ("contact", "Đầu mối liên hệ"),
)
TEMPLATE_COLUMNS = {name: get_column_letter(position) for position, (name, _header) in enumerate(COLUMNS, start=1)}
SHEET_TITLE = "Danh sách"


@dataclass(frozen=True)
class DepartmentInput:
    """A department as a person gives it: by hand or as one row of a sheet."""

    name: str
    short_name: str = ""
    contact: str = ""


@dataclass(frozen=True)
class SheetRow:
    number: int
    given: DepartmentInput


@dataclass(frozen=True)
class DepartmentSheet:
    """The rows of an uploaded sheet, and the column letter each field stood in (for the messages)."""

    rows: list[SheetRow]
    columns: dict[str, str] = field(default_factory=lambda: dict(TEMPLATE_COLUMNS))


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int


class DepartmentSheetRejected(Rejected):
    """A sheet of departments refused as a whole; `problems` names the row and column of each."""


# Checks of one department's text.


def _field_label(name: str) -> str:
    return {"name": _("Tên cơ quan, đơn vị"), "short_name": _("Tên viết tắt"), "contact": _("Đầu mối liên hệ")}[name]


def _clean_text(text: str, *, limit: int, label: str, formula_hint: str = "") -> tuple[str, str | None]:
    """The text as it is stored (surrounding spaces dropped, runs of spaces made one) and why it is
    refused, or None."""
    text = text.strip()
    problem = text_problem(text)
    if problem is not None:
        return text, problem
    if any(character in text for character in "\n\r\t"):
        return text, _("Chỉ ghi trên một dòng, không xuống dòng hay dùng ký tự tab.")
    text = " ".join(text.split())
    if len(text) > limit:
        return text, _("%(label)s dài tối đa %(limit)s ký tự (hiện có %(count)s).") % {
            "label": label,
            "limit": limit,
            "count": len(text),
        }
    if text.startswith(FORMULA_PREFIXES):
        # A spreadsheet opening an export would run such text as a formula.
        return text, " ".join(
            [_("Không được bắt đầu bằng dấu =, +, - hoặc @ (bảng tính sẽ hiểu là công thức)."), formula_hint]
        ).strip()
    return text, None


def checked_department(given: DepartmentInput) -> tuple[DepartmentInput, dict[str, str]]:
    """The department as it would be stored, and each field's problem (empty when there is none).

    Uniqueness within the unit is the writers' check: it needs the unit's list, read under its lock.
    """
    errors: dict[str, str] = {}
    name, problem = _clean_text(given.name, limit=NAME_MAX, label=_("Tên cơ quan, đơn vị"))
    if problem is None and not name:
        problem = _("Nhập tên cơ quan, đơn vị.")
    if problem is not None:
        errors["name"] = problem
    short_name, problem = _clean_text(given.short_name, limit=SHORT_NAME_MAX, label=_("Tên viết tắt"))
    if problem is not None:
        errors["short_name"] = problem
    contact, problem = _clean_text(
        given.contact,
        limit=CONTACT_MAX,
        label=_("Đầu mối liên hệ"),
        formula_hint=_("Số điện thoại hãy viết 0236 3822 222 thay cho +84 236 3822 222."),
    )
    if problem is not None:
        errors["contact"] = problem
    return DepartmentInput(name=name, short_name=short_name, contact=contact), errors


def _already_listed(name: str) -> str:
    return _("Đơn vị đã có “%(name)s” trong danh sách cơ quan, đơn vị thực hiện.") % {"name": name}


def _keeper_only(user: User, organisation_id: int) -> None:
    if not user.may_keep_departments(organisation_id):
        raise Forbidden(_("Chỉ Văn phòng và Lãnh đạo của đơn vị được sửa danh sách cơ quan, đơn vị thực hiện."))


def _lock_unit(organisation_id: int) -> Organisation:
    """Lock the unit: writes of its list take turns, so two people never add the same name at once
    (the database's own constraint compares names with their case)."""
    return Organisation.objects.select_for_update().get(pk=organisation_id)


# The writers.


@transaction.atomic
def add_department(*, user: User, organisation_id: int, given: DepartmentInput) -> Department:
    """Add a department to the unit's list; InvalidInput names each refused field."""
    _keeper_only(user, organisation_id)
    unit = _lock_unit(organisation_id)
    cleaned, errors = checked_department(given)
    if "name" not in errors:
        existing = Department.objects.of_unit(unit.pk).by_name_key().get(department_name_key(cleaned.name))
        if existing is not None:
            errors["name"] = _already_listed(existing.name)
    if errors:
        raise InvalidInput(errors)
    return Department.objects.create(
        organisation=unit, name=cleaned.name, short_name=cleaned.short_name, contact=cleaned.contact
    )


@transaction.atomic
def update_department(*, user: User, department_id: int, given: DepartmentInput) -> Department:
    """Change a department's name, short name and contact; InvalidInput names each refused field."""
    organisation_id = Department.objects.values_list("organisation_id", flat=True).get(pk=department_id)
    _keeper_only(user, organisation_id)
    # The unit first, then the row: the order every writer of the list locks in.
    unit = _lock_unit(organisation_id)
    department = Department.objects.select_for_update().get(pk=department_id, organisation=unit)
    cleaned, errors = checked_department(given)
    if "name" not in errors:
        existing = Department.objects.of_unit(unit.pk).by_name_key().get(department_name_key(cleaned.name))
        if existing is not None and existing.pk != department.pk:
            errors["name"] = _already_listed(existing.name)
    if errors:
        raise InvalidInput(errors)
    department.name, department.short_name, department.contact = cleaned.name, cleaned.short_name, cleaned.contact
    department.save(update_fields=["name", "short_name", "contact"])
    return department


@transaction.atomic
def remove_department(*, user: User, department_id: int) -> str:
    """Remove a department from the unit's list; return its name. One that an improvement plan still
    names is kept (the plan's link protects it), and the refusal says so."""
    organisation_id = Department.objects.values_list("organisation_id", flat=True).get(pk=department_id)
    _keeper_only(user, organisation_id)
    unit = _lock_unit(organisation_id)
    department = Department.objects.select_for_update().get(pk=department_id, organisation=unit)
    name = department.name
    try:
        # Django refuses a protected delete before it writes anything; the savepoint keeps the
        # transaction usable should a database raise instead.
        with transaction.atomic():
            department.delete()
    except ProtectedError:
        raise WorkflowError(
            _("Không thể xóa: đơn vị đang được giao nhiệm vụ trong kế hoạch cải thiện."), code="in_use"
        ) from None
    return name


@transaction.atomic
def import_departments(*, user: User, organisation_id: int, sheet: DepartmentSheet) -> ImportSummary:
    """Add the sheet's departments to the unit's list; a row whose name is already listed updates that
    department's short name and contact. All or nothing: DepartmentSheetRejected names the row and
    column of every problem, and nothing is saved then."""
    _keeper_only(user, organisation_id)
    unit = _lock_unit(organisation_id)
    # The rows the sheet may update, locked as they are read.
    listed = Department.objects.of_unit(unit.pk).select_for_update().by_name_key()
    problems: list[str] = []
    seen: dict[str, int] = {}
    accepted: list[DepartmentInput] = []
    for row in sheet.rows:
        cleaned, errors = checked_department(row.given)
        for name, message in errors.items():
            problems.append(
                _("Dòng %(row)s, cột %(col)s (%(label)s): %(problem)s")
                % {"row": row.number, "col": sheet.columns[name], "label": _field_label(name), "problem": message}
            )
        if "name" in errors:
            continue
        key = department_name_key(cleaned.name)
        if key in seen:
            problems.append(
                _("Dòng %(row)s, cột %(col)s (%(label)s): “%(name)s” đã có ở dòng %(first)s.")
                % {"row": row.number, "col": sheet.columns["name"], "label": _field_label("name"),
                   "name": cleaned.name, "first": seen[key]}
            )  # fmt: skip
            continue
        seen[key] = row.number
        if not errors:
            accepted.append(cleaned)
    if problems:
        raise DepartmentSheetRejected(problems)
    added = updated = unchanged = 0
    for cleaned in accepted:
        department = listed.get(department_name_key(cleaned.name))
        if department is None:
            Department.objects.create(
                organisation=unit, name=cleaned.name, short_name=cleaned.short_name, contact=cleaned.contact
            )
            added += 1
        elif (department.short_name, department.contact) == (cleaned.short_name, cleaned.contact):
            unchanged += 1
        else:
            department.short_name, department.contact = cleaned.short_name, cleaned.contact
            department.save(update_fields=["short_name", "contact"])
            updated += 1
    return ImportSummary(added=added, updated=updated, unchanged=unchanged)


# The sheet: reading an upload, writing the template.


def _header_key(text: str) -> str:
    """A header as the import compares it: without case, accents or punctuation."""
    return " ".join(re.sub(r"[^\w]+", " ", search_form(text)).split())


HEADER_KEYS = {_header_key(header): name for name, header in COLUMNS}


def read_department_sheet(*, content: bytes, filename: str) -> DepartmentSheet:
    """Read an uploaded .xlsx (its first sheet) or .csv (UTF-8, with or without BOM) of departments.

    Row 1 names the columns, in any order, compared without case or accents; every other non-empty
    row is a department. DepartmentSheetRejected says why a file is refused as a whole: too big, of
    another kind, damaged, a formula or a control character in a cell, a header that lacks a column,
    too many rows.
    """
    if not filename.lower().endswith((".xlsx", ".csv")):
        raise DepartmentSheetRejected(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise DepartmentSheetRejected(_("Tệp lớn hơn 2 MB: hãy chia danh sách thành nhiều tệp."))
    try:
        table = read_table(content, filename)
    except Rejected as error:
        raise DepartmentSheetRejected(error.problems) from None
    if not table or not any(cell for cell in table[0]):
        raise DepartmentSheetRejected(
            _("Dòng 1 phải là dòng tiêu đề: %(header)s.") % {"header": " | ".join(header for _n, header in COLUMNS)}
        )
    columns: dict[str, int] = {}
    problems: list[str] = []
    for position, title in enumerate(table[0]):
        name = HEADER_KEYS.get(_header_key(title))
        if name is None:
            continue
        if name in columns:
            problems.append(
                _("Dòng 1, cột %(col)s: cột “%(header)s” lặp lại (đã có ở cột %(first)s).")
                % {"col": get_column_letter(position + 1), "header": dict(COLUMNS)[name],
                   "first": get_column_letter(columns[name] + 1)}
            )  # fmt: skip
            continue
        columns[name] = position
    missing = [header for name, header in COLUMNS if name not in columns]
    if missing:
        problems.append(
            _("Dòng 1: thiếu cột %(missing)s. Dòng tiêu đề phải là: %(header)s.")
            % {"missing": ", ".join(f"“{header}”" for header in missing),
               "header": " | ".join(header for _n, header in COLUMNS)}
        )  # fmt: skip
    if problems:
        raise DepartmentSheetRejected(problems)
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: cells[position] if position < len(cells) else "" for name, position in columns.items()}
        rows.append(SheetRow(number, DepartmentInput(**values)))
    if not rows:
        raise DepartmentSheetRejected(_("Tệp chỉ có dòng tiêu đề, chưa có cơ quan, đơn vị nào."))
    if len(rows) > MAX_SHEET_ROWS:
        raise DepartmentSheetRejected(
            _("Tệp có %(count)s cơ quan, đơn vị; mỗi lần nhập tối đa %(max)s.")
            % {"count": len(rows), "max": MAX_SHEET_ROWS}
        )
    return DepartmentSheet(
        rows=rows, columns={name: get_column_letter(position + 1) for name, position in columns.items()}
    )


def department_template() -> bytes:
    """The empty sheet an office fills: the header row, wide columns, the header kept in view."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its one sheet
    sheet.title = SHEET_TITLE
    write_row(sheet, [header for _name, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip(TEMPLATE_COLUMNS.values(), (60, 20, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)
