"""A framework as an Excel workbook: export one, edit it, import it back as a new version.

Sheets: "Bộ chỉ số" (one field per row), "Chỉ số" (one node per row), "Chỉ số tổng hợp",
"Cấu trúc công bố" and "Phần bị thiếu". The first row of each table sheet holds the field
codes; an import names the sheet and row of every problem and stores nothing unless all is well.
The nodes' "inferred" column (the cells the source does not print, e.g. "code, max_points") came
later: a workbook exported before it still imports, with nothing inferred.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook

from common.spreadsheets import SpreadsheetError, as_text, open_workbook, read_rows, workbook_bytes, write_row

from .framework.integrity import check_framework_data
from .framework.parse import FrameworkData, FrameworkDataError

FRAMEWORK_SHEET = "Bộ chỉ số"
NODES_SHEET = "Chỉ số"
AGGREGATES_SHEET = "Chỉ số tổng hợp"
DECLARED_SHEET = "Cấu trúc công bố"
MISSING_SHEET = "Phần bị thiếu"

FRAMEWORK_FIELDS = [
    "code", "level", "name", "decision_number", "decision_date",
    "first_year", "last_year", "max_points", "precision", "source",
]  # fmt: skip
NODE_COLUMNS = [
    "key", "code", "parent", "kind", "name", "name_en", "max_points", "source", "unit", "evidence_required",
    "rule", "parameters", "not_applicable_groups", "focus", "incomplete", "inferred", "guidance",
]  # fmt: skip
OPTIONAL_NODE_COLUMNS = {"inferred"}
AGGREGATE_COLUMNS = ["code", "name", "main_indices"]
DECLARED_COLUMNS = ["key", "components", "criteria", "component_names"]
MISSING_COLUMNS = ["parent", "what", "code", "name", "reason"]
LIST_SEPARATOR = ", "
NAMES_SEPARATOR = " | "


def write_framework_workbook(data: FrameworkData) -> bytes:
    """Return the framework as .xlsx bytes."""
    workbook = Workbook()
    info = workbook.active
    info.title = FRAMEWORK_SHEET
    raw = data.to_json()
    for name in FRAMEWORK_FIELDS:
        write_row(info, [name, data.max_points if name == "max_points" else raw[name]])
    nodes = workbook.create_sheet(NODES_SHEET)
    write_row(nodes, NODE_COLUMNS)
    for node in raw["nodes"]:
        write_row(
            nodes,
            [
                *(node[name] for name in NODE_COLUMNS[:6]),
                Decimal(node["max_points"]) if node["max_points"] is not None else None,
                node["source"],
                node["unit"],
                node["evidence_required"],
                node["rule"],
                json.dumps(node["parameters"], ensure_ascii=False) if node["parameters"] else "",
                LIST_SEPARATOR.join(node["not_applicable_groups"]),
                node["focus"],
                node["incomplete"],
                LIST_SEPARATOR.join(node["inferred"]),
                node["guidance"],
            ],
        )
    aggregates = workbook.create_sheet(AGGREGATES_SHEET)
    write_row(aggregates, AGGREGATE_COLUMNS)
    for aggregate in data.aggregates:
        write_row(aggregates, [aggregate.code, aggregate.name, LIST_SEPARATOR.join(aggregate.main_indices)])
    declared = workbook.create_sheet(DECLARED_SHEET)
    write_row(declared, DECLARED_COLUMNS)
    for structure in data.declared:
        write_row(
            declared,
            [structure.key, structure.components, structure.criteria, NAMES_SEPARATOR.join(structure.component_names)],
        )
    missing = workbook.create_sheet(MISSING_SHEET)
    write_row(missing, MISSING_COLUMNS)
    for lost in data.missing:
        write_row(missing, [lost.parent, lost.what, lost.code, lost.name, lost.reason])
    for sheet in workbook.worksheets:
        sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)


def read_framework_workbook(file: IO[bytes] | bytes, *, code: str | None = None) -> FrameworkData:
    """Read a framework from .xlsx, optionally under a new `code`; raise FrameworkDataError on any problem.

    Problems name the sheet and row ("Trang “Chỉ số”, dòng 7: …"); nothing is partly read.
    """
    try:
        workbook = open_workbook(file)
    except SpreadsheetError as error:
        raise FrameworkDataError(error.problems) from None
    problems: list[str] = []
    missing_sheets = [
        name
        for name in (FRAMEWORK_SHEET, NODES_SHEET, AGGREGATES_SHEET, DECLARED_SHEET, MISSING_SHEET)
        if name not in workbook.sheetnames
    ]
    if missing_sheets:
        raise FrameworkDataError([f"Tệp không đúng mẫu bộ chỉ số: thiếu trang “{name}”." for name in missing_sheets])
    raw: dict[str, Any] = {
        as_text(row[0]): row[1] for row in (_rows(workbook[FRAMEWORK_SHEET], problems) or []) if len(row) > 1 and row[0]
    }
    if code:
        raw["code"] = code
    node_rows = _table(workbook[NODES_SHEET], NODE_COLUMNS, problems, optional=OPTIONAL_NODE_COLUMNS)
    raw["nodes"] = [_node(row, number, problems) for number, row in node_rows]
    raw["aggregates"] = [
        {"code": row["code"], "name": row["name"], "main_indices": _split(row["main_indices"], LIST_SEPARATOR)}
        for _number, row in _table(workbook[AGGREGATES_SHEET], AGGREGATE_COLUMNS, problems)
    ]
    raw["declared"] = [
        {
            "key": row["key"],
            "components": _whole(row["components"], DECLARED_SHEET, number, "components", problems),
            "criteria": _whole(row["criteria"], DECLARED_SHEET, number, "criteria", problems),
            "component_names": _split(row["component_names"], NAMES_SEPARATOR),
        }
        for number, row in _table(workbook[DECLARED_SHEET], DECLARED_COLUMNS, problems)
    ]
    raw["missing"] = [row for _number, row in _table(workbook[MISSING_SHEET], MISSING_COLUMNS, problems)]
    workbook.close()
    if problems:
        raise FrameworkDataError(problems)
    node_row_numbers = [number for number, _row in node_rows]

    def where(section: str, position: int) -> str:
        if section == "nodes":
            return f"Trang “{NODES_SHEET}”, dòng {node_row_numbers[position - 1]}"
        return f"Trang “{AGGREGATES_SHEET}”, dòng {position + 1}"

    data = FrameworkData.from_json(raw, where=where)
    errors = check_framework_data(data).errors
    if errors:
        rows = {node.key: number for node, number in zip(data.nodes, node_row_numbers, strict=True)}
        raise FrameworkDataError([_locate(error, rows) for error in errors])
    return data


def _rows(sheet: Any, problems: list[str]) -> list[tuple[Any, ...]] | None:
    """The sheet's rows, or None when a cell holds a formula or refused text (each one a problem)."""
    try:
        return read_rows(sheet, name_sheet=True)
    except SpreadsheetError as error:
        problems.extend(error.problems)
        return None


def _table(
    sheet: Any, columns: list[str], problems: list[str], optional: set[str] | frozenset[str] = frozenset()
) -> list[tuple[int, dict[str, str]]]:
    """Return (row number, {column: text}) for every non-empty row below the header.

    An `optional` column the header lacks reads as empty in every row.
    """
    read = _rows(sheet, problems)
    if read is None:
        return []
    rows = iter(read)
    header = [as_text(value) for value in next(rows, ())]
    absent = [column for column in columns if column not in header and column not in optional]
    if absent:
        problems.append(f"Trang “{sheet.title}”, dòng 1: thiếu cột {', '.join(absent)}.")
        return []
    positions = {column: header.index(column) for column in columns if column in header}
    table = []
    for number, values in enumerate(rows, start=2):
        texts = [as_text(value) for value in values]
        if not any(texts):
            continue
        texts += [""] * (len(header) - len(texts))
        row = {column: texts[position] for column, position in positions.items()}
        table.append((number, {column: row.get(column, "") for column in columns}))
    return table


_TRUE = {"true", "1", "có", "x", "yes"}
_FALSE = {"false", "0", "không", "", "no"}


def _node(row: dict[str, str], number: int, problems: list[str]) -> dict[str, Any]:
    node: dict[str, Any] = dict(row)
    where = f"Trang “{NODES_SHEET}”, dòng {number}"
    for column in ("evidence_required", "focus", "incomplete"):
        text = row[column].casefold()
        if text not in _TRUE | _FALSE:
            problems.append(f"{where}, cột {column}: phải là TRUE hoặc FALSE; nhận được “{row[column]}”.")
        node[column] = text in _TRUE
    try:
        node["parameters"] = json.loads(row["parameters"]) if row["parameters"] else {}
    except json.JSONDecodeError:
        problems.append(f"{where}, cột parameters: không phải JSON hợp lệ (“{row['parameters']}”).")
        node["parameters"] = {}
    if not isinstance(node["parameters"], dict):
        problems.append(f"{where}, cột parameters: phải là một đối tượng JSON {{…}}.")
        node["parameters"] = {}
    node["not_applicable_groups"] = _split(row["not_applicable_groups"], LIST_SEPARATOR)
    node["inferred"] = _split(row["inferred"], LIST_SEPARATOR)
    return node


def _whole(text: str, sheet: str, number: int, column: str, problems: list[str]) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        problems.append(f"Trang “{sheet}”, dòng {number}, cột {column}: phải là số nguyên; nhận được “{text}”.")
        return None
    return int(text)


def _split(text: str, separator: str) -> list[str]:
    return [part.strip() for part in text.split(separator.strip()) if part.strip()]


_KEY_IN_MESSAGE = re.compile(r"^“([^”]+)”")


def _locate(error: str, rows: dict[str, int]) -> str:
    """Prefix an integrity error about a node with the sheet and row where that node stands."""
    match = _KEY_IN_MESSAGE.match(error)
    if match and match.group(1) in rows:
        return f"Trang “{NODES_SHEET}”, dòng {rows[match.group(1)]}: {error}"
    return error


__all__ = ["read_framework_workbook", "write_framework_workbook"]
