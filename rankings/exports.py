"""Downloads of published results: rows built once, written as Excel, CSV or PDF.

Excel follows the report's tables (Bảng 1–9): one sheet of ranks and one of values per group, the
DTI, the pillars and every main index as columns, Vietnamese headers and sheet names, four decimals. PDFs go
through a template and WeasyPrint, with the DejaVu fonts embedded (full Vietnamese coverage).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import Organisation
from common.spreadsheets import csv_row, workbook_bytes, write_row

from .explore import Explored, ExploreRow
from .models import DTI, Publication, PublishedResult, trial_note
from .queries import TableRow, group_position, indices_of, ranking_table, summarise, unit_history, unit_profile
from .ranking import round_value

Grid = dict[str, dict[Organisation, dict[str, PublishedResult]]]


def _grid(publication: Publication) -> tuple[list[tuple[str, str]], Grid]:
    """Every published figure of the publication, by group, unit and index."""
    indices = indices_of(publication)
    grid: Grid = defaultdict(lambda: defaultdict(dict))
    rows = PublishedResult.objects.filter(publication=publication, index__in=[index for index, _label in indices])
    for row in rows.select_related("organisation"):
        grid[row.group][row.organisation][row.index] = row
    return indices, grid


def _position(figures: dict[str, PublishedResult], index: str) -> tuple[bool, int]:
    row = figures.get(index)
    return (row is None or row.rank is None, (row.rank or 0) if row else 0)


def _sheet_names(group: str) -> tuple[str, str]:
    """The ranks sheet's and the values sheet's names for a group: Vietnamese, within Excel's 31 characters."""
    names: dict[str, tuple[str, str]] = {
        Organisation.Group.PROVINCE: (_("Xếp hạng tỉnh"), _("Giá trị tỉnh")),
        Organisation.Group.PUBLIC_SERVICES: (_("Xếp hạng bộ có DVC"), _("Giá trị bộ có DVC")),
        Organisation.Group.NO_PUBLIC_SERVICES: (_("Xếp hạng bộ không có DVC"), _("Giá trị bộ không có DVC")),
    }
    ranks, values = names.get(group, (f"{_('Xếp hạng')} {group}", f"{_('Giá trị')} {group}"))
    return ranks[:31], values[:31]


def ranking_workbook(publication: Publication, first_index: str = DTI) -> bytes:
    """All the publication's tables, as the report's: per group, in the report's order, a sheet of ranks
    and a sheet of values ending in the group's average (the report's "Trung bình" row)."""
    indices, grid = _grid(publication)
    places = publication.campaign.framework.precision
    labels = dict(Organisation.Group.choices)
    workbook = Workbook()
    workbook.remove(workbook.active)
    campaign = publication.campaign
    for group in sorted(grid, key=group_position):
        units = sorted(grid[group], key=lambda unit: (*_position(grid[group][unit], first_index), unit.short_name))
        for kind, title in zip(("rank", "value"), _sheet_names(group), strict=True):
            sheet = workbook.create_sheet(title)
            heading = _("Xếp hạng") if kind == "rank" else _("Giá trị")
            caption = (f"DTI {campaign.year} — {heading} — {labels.get(group, group)} "
                       f"({_('phiên bản')} {publication.version})")  # fmt: skip
            if publication.is_partial:
                caption += f" — {publication.partial_note()}"
            if publication.is_trial:
                caption += f" — {trial_note()}"
            write_row(sheet, [caption])
            sheet["A1"].font = Font(bold=True)
            write_row(sheet, [_("Mã"), _("Đơn vị"), *(label for _index, label in indices)])
            for cell in sheet[2]:
                cell.font = Font(bold=True)
            for unit in units:
                figures = grid[group][unit]
                cells: list[Any] = [unit.code, unit.short_name]
                for index, _label in indices:
                    row = figures.get(index)
                    if kind == "rank":
                        cells.append(row.rank if row else None)
                    else:
                        cells.append(float(round_value(row.value, places)) if row and row.value is not None else None)
                write_row(sheet, cells)
            if kind == "value":
                write_row(sheet, [None, _("Trung bình"), *(_group_average(grid[group], index, places)
                                                         for index, _label in indices)])  # fmt: skip
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
                for cells_ in sheet.iter_rows(min_row=3, min_col=3):
                    for cell in cells_:
                        cell.number_format = "0." + "0" * places
            sheet.column_dimensions["B"].width = 34
            sheet.freeze_panes = "C3"
    return workbook_bytes(workbook)


def _group_average(units: dict[Organisation, dict[str, PublishedResult]], index: str, places: int) -> float | None:
    values = [row.value for figures in units.values() if (row := figures.get(index)) and row.value is not None]
    return float(round_value(sum(values, Decimal(0)) / len(values), places)) if values else None


CSV_FIELDS = ["organisation_code", "organisation_name", "group", "value", "rank", "score", "max_points",
              "rank_change", "value_change", "previous_derived"]  # fmt: skip


def ranking_csv(table: list[TableRow], publication: Publication) -> str:
    """One table as CSV with stable codes and a decimal point, for machines; safe to open in Excel
    (text cells are neutralised by `csv_row`, numbers stay numbers)."""
    places = publication.campaign.framework.precision
    # A trial's table says so on every row, so that no copy of it passes for an official result.
    trial = [trial_note()] if publication.is_trial else []
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*CSV_FIELDS, *(["note"] if trial else [])])
    for row in table:
        writer.writerow(csv_row([
            row.organisation.code, row.name, row.group,
            _plain(row.value, places), row.rank, _plain(row.score, 4), _plain(row.max_points, 4), row.rank_change,
            _plain(row.value_change, places), "yes" if row.previous and row.previous.derived else "", *trial,
        ]))  # fmt: skip
    return buffer.getvalue()


def _plain(value: Decimal | None, places: int) -> Decimal | None:
    return None if value is None else round_value(value, places)


EXPLORE_FIELDS = ["organisation_code", "organisation_name", "group", "year", "value", "rank", "derived"]


def _explore_cells(row: ExploreRow) -> list[Any]:
    return [row.organisation_code, row.organisation_name, row.group, row.year, row.value, row.rank,
            "yes" if row.derived else ""]  # fmt: skip


def explore_csv(rows: list[ExploreRow]) -> str:
    """The explorer's selection as CSV, one row per unit and year, with the API's field names; safe to open
    in Excel like every CSV of the portal (`csv_row`). `derived` is "yes" for a merged unit's figure
    derived from its predecessors'."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPLORE_FIELDS)
    for row in rows:
        writer.writerow(csv_row(_explore_cells(row)))
    return buffer.getvalue()


def explore_workbook(explored: Explored, level_label: str) -> bytes:
    """The explorer's selection as Excel: a caption, then the CSV's rows under Vietnamese headers, values
    with the published precision."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Dữ liệu")
    years = ", ".join(str(year) for year in explored.years)
    write_row(sheet, [f"{explored.index.label} — {level_label} — {years}"])
    sheet["A1"].font = Font(bold=True)
    write_row(sheet, [_("Mã"), _("Đơn vị"), _("Nhóm"), _("Năm"), _("Giá trị"), _("Hạng"),
                      _("Tính từ các đơn vị trước sáp nhập")])  # fmt: skip
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    precision = max((p.campaign.framework.precision for p in explored.publications), default=4)
    groups = dict(Organisation.Group.choices)
    for row in explored.rows():
        cells = _explore_cells(row)
        cells[2] = str(groups.get(row.group, row.group))
        cells[4] = float(row.value) if row.value is not None else None
        cells[6] = _("có") if row.derived else None
        write_row(sheet, cells)
    for (cell,) in sheet.iter_rows(min_row=3, min_col=5, max_col=5):
        cell.number_format = "0." + "0" * precision
    sheet.column_dimensions["B"].width = 34
    sheet.freeze_panes = "C3"
    return workbook_bytes(workbook)


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string(template, context)).write_pdf()


def scorecard_pdf(publication: Publication, organisation: Organisation) -> bytes:
    """A unit's one-to-two-page scorecard: DTI, pillars and main indices against the group's average,
    with a bar chart and the history."""
    rows = unit_profile(publication, organisation)
    # A sheet that travels: its history holds the official years, and its own year when it is a trial's.
    years = Publication.objects.official() | Publication.objects.filter(pk=publication.pk)
    return _pdf("rankings/scorecard_pdf.html", {
        "publication": publication, "organisation": organisation, "rows": rows,
        "dti": next((row for row in rows if row.index == DTI), None),
        "history": unit_history(organisation, years), "generated_at": timezone.now(),
    })  # fmt: skip


def national_report_pdf(publication: Publication, progress: Callable[[int], None] = lambda _done: None) -> bytes:
    """The national yearly report: every table of every group, averages and charts.

    Calls `progress` with a percentage as each part is built; the PDF rendering is the last part.
    """
    indices = indices_of(publication)
    places = publication.campaign.framework.precision
    parts = []
    for number, (index, label) in enumerate(indices, start=1):
        table = ranking_table(publication, index)
        groups = summarise(table, places)
        parts.append({"index": index, "label": label, "groups": [
            {"summary": summary, "rows": [row for row in table if row.group == summary.group]} for summary in groups
        ]})  # fmt: skip
        progress(int(70 * number / len(indices)))
    content = _pdf("rankings/report_pdf.html", {"publication": publication, "parts": parts,
                                                "generated_at": timezone.now()})  # fmt: skip
    progress(100)
    return content
