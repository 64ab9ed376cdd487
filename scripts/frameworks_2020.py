"""The 2020 framework (Decision 1726/QĐ-BTTTT) from seed 001: province (Phụ lục I) and ministry (Phụ lục II).

The seed is a PDF-to-text conversion in which every table cell is one line starting with a tab,
continuation lines of a cell (bullet lists) start without one, rows are separated by an empty
line, and a cell the converter fused into a neighbouring row starts with " \t" instead of "\t".
The parser walks the cells: a code cell (``^\\d+(\\.\\d+)*$``) followed by a name cell and a
points cell is a row; the sixth cell after the points is the note ("Ghi chú"). Reviewed
corrections for the handful of garbled rows and cells live in
fixtures/source/framework_corrections.json, each with the reason it is needed.

Decisions, recorded here rather than in the data:

- Years: the 2020 framework was used for the DTI of 2020 only. The DTI 2021 report (seed 002)
  states that DTI 2021 was assessed with Decision 922/QĐ-BTTTT of 20/5/2022 and differs from 2020
  (9 main indices instead of 3 pillars), so first_year = last_year = 2020.
- Structure: besides the seven main indices that section "I. Cấu trúc" describes (the 80 % of
  points from reports and surveys), each table prints two more rows at main-index level, 8
  "Đánh giá trên không gian mạng" and 9 "Đánh giá qua phỏng vấn chuyên gia" (the 10 % + 10 % of
  section II.2.a). They are kept as main indices: the points of a pillar (and of the ministry
  framework) only add up with them, and the data model has no other place for them.
- A row printed without a code directly under a component, with a one-line name, is that
  component's only criterion (the tables leave the STT of a sole criterion empty; section I's
  criterion counts include them); it gets the code "<component>.1", marked inferred. A row without a code whose
  cell is a bullet list ("… về:" followed by "- …") explains the row above: it becomes that row's
  guidance and its note gives that row's data source.
- Every printed row comes in with what the text prints of it. A lost name of a component is
  taken from section I's list of component names, by position (the tables number components in
  that order). Points the text does not print stay empty; a parent whose children's printed
  points do not add up to its own (CQS 5.9: 8 vs 2) is marked incomplete.
- What the text lost stays out and is listed under "missing", its parent marked incomplete: a
  row of which only the code survives (no name, not even from section I), a row whose parent
  was lost, and a component or main index without points whose rows below were all lost. One
  whose rows below were all lost but whose points are printed (CQS 1: 40) is scored directly,
  as a leaf marked incomplete (as for the 2022 main indices without known components).
- Cells the converter fused into a neighbouring row (" \t"), which only table I.1 has, are
  classified one by one in the corrections file: the name of a row whose STT cell was lost (a
  code is put before it), or a printed criterion that cannot be placed (listed under missing by
  its printed name).
- Inferred cells: a node lists under "inferred" the cells of its row (code, name, max_points)
  that the text does not print and that this module fills in: the code of a sole criterion or
  of a row whose STT was lost, a component's name taken from section I, every cell of a row the
  corrections add for its printed children, and every value a correction sets where the text
  printed none (points from the weights of section II.2.a, from a parent's sum, from the mirror
  of sections 8 and 9). Replacing or clearing a printed cell is a reading and marks nothing.
  A framework with an inferred cell is never complete.
- Data source of a leaf: its note ("Điều tra xã hội" → survey, "không gian mạng" → cyberspace,
  "chuyên gia" → expert, "Bộ TTTT đánh giá" / "giám sát" / "đo kiểm" → monitored); without a note,
  the main index's name (rows 8 and 9); otherwise self_report.
- Rule, from the criterion's wording only: survey, cyberspace and expert leaves, and leaves
  scored directly because their criteria are lost → manual (the authority enters the score);
  "Tỷ lệ min/max …" → minmax, inverted (a price-to-income ratio, lower is better); "Tỷ lệ …" →
  percentage (inverted for infection, abuse and privacy-violation rates); "Số …" (a count, no
  cap stated anywhere) and per-head rates ("… trên 100 dân", "… trên đầu người", which can
  exceed 100) → relative_to_best; names that state a fact to be shown ("Có …", "Đã …", "Ban
  hành …", "Kế hoạch …", "Nghị quyết …", …) → boolean; anything else (functional criteria,
  "Mức độ …", "Tính minh bạch …") → manual. No target, cap or level is set: the text gives none.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

SEED = "001_2df82e070e417e2a.txt"
CORRECTIONS = Path(__file__).resolve().parents[1] / "fixtures" / "source" / "framework_corrections.json"

CODE = re.compile(r"^\d+(\.\d+)*\.?$")
POINTS = re.compile(r"^\d+([.,]\d+)?$")
DATE = re.compile(r"Quyết định số (\d+/QĐ-BTTTT) ngày (\d{1,2})/(\d{1,2})/(\d{4})")
PILLARS = {"Chính quyền số": "CQS", "Kinh tế số": "KTS", "Xã hội số": "XHS"}
TABLE_OF_PILLAR = {"CQS": "I.1", "KTS": "I.2", "XHS": "I.3"}
KINDS = {1: "main", 2: "component", 3: "criterion"}
INFERABLE = ("code", "name", "max_points")  # the printed cells of a row, in fixture order

BOOLEAN_OPENINGS = (
    "có ",
    "đã ",
    "ban hành",
    "bộ đã có",
    "bộ/ngành đã có",
    "bộ/ngành có",
    "cam kết",
    "chiến lược",
    "chuyên mục",
    "công bố",
    "cơ quan chuyên trách",
    "cổng ttđt có",
    "gắn ",
    "hạ tầng kỹ thuật",
    "hệ thống một cửa điện tử đã",
    "kế hoạch",
    "kết nối",
    "người đứng đầu",
    "nghị quyết",
    "phát động",
    "quyết định",
    "thành lập",
    "tập huấn",
    "tỉnh/tp đã có",
    "tổ chức",
    "triển khai",
    "trung tâm dữ liệu",
    "văn bản",
    "xây dựng",
    "các văn bản",
    "cung cấp các thông tin",
)
PER_CAPITA = ("trên đầu người", "trên hộ gia đình", "trên 100 dân", "/100 dân", "trên 1000 dân")
INVERTED_WORDS = ("nhiễm mã độc", "lạm dụng", "vi phạm quyền riêng tư")


@dataclass
class Cell:
    lines: list[str]
    line: int
    fused: bool  # the converter fused this cell into a neighbouring row (" \t")
    row_start: bool
    inserted: bool = False  # a code cell the corrections put before a row whose STT cell was lost

    @property
    def text(self) -> str:
        return self.lines[0].strip() if self.lines else ""

    @property
    def blank(self) -> bool:
        return not any(line.strip() for line in self.lines)


@dataclass
class Row:
    code: str | None
    name: str
    points: Decimal | None
    note: str = ""
    guidance: str = ""
    line: int = 0
    fused: bool = False
    bullets: bool = False
    incomplete: bool = False
    why: str = ""
    inferred: set[str] = field(default_factory=set)  # cells the generator filled in: code, name, max_points


@dataclass
class Table:
    label: str
    total: Decimal
    rows: list[Row] = field(default_factory=list)
    dropped: list[Row] = field(default_factory=list)
    orphans: list[dict[str, Any]] = field(default_factory=list)  # printed criteria whose code was lost


def build(seeds: Path) -> list[dict[str, Any]]:
    """Return the fixture forms of dti-2020-province and dti-2020-ministry."""
    lines = (seeds / SEED).read_text(encoding="utf-8").splitlines()
    corrections = json.loads(CORRECTIONS.read_text(encoding="utf-8"))["2020"]
    annex_2 = next(i for i, line in enumerate(lines) if line.strip() == "PHỤ LỤC II")
    annex_1 = next(i for i, line in enumerate(lines) if line.strip() == "PHỤ LỤC I")
    number, date = _decision(lines[annex_1:annex_2])
    province = _province(lines[annex_1:annex_2], annex_1, corrections, number, date)
    ministry = _ministry(lines[annex_2:], annex_2, corrections, number, date)
    return [province, ministry]


# --- reading the text ---------------------------------------------------------------------------


def _decision(lines: list[str]) -> tuple[str, str]:
    for line in lines:
        match = DATE.search(line)
        if match:
            number, day, month, year = match.groups()
            return number, f"{year}-{int(month):02d}-{int(day):02d}"
    raise ValueError("The appendix does not name its decision.")


def _cells(lines: list[str], offset: int) -> list[Cell]:
    """Split table text into cells; continuation lines (no leading tab) join the cell above."""
    cells: list[Cell] = []
    after_empty = True
    for number, line in enumerate(lines, start=offset + 1):
        if line.startswith("\t") or line.startswith(" \t"):
            cells.append(Cell([line.split("\t", 1)[1]], number, line.startswith(" "), after_empty))
            after_empty = False
        elif not line.strip():
            after_empty = True
        elif cells:
            cells[-1].lines.append(line.strip())
            after_empty = False
    return cells


def _is_code(cell: Cell) -> bool:
    text = cell.text
    return bool(CODE.match(text)) and ("." in text or cell.row_start)


def _is_points(cell: Cell) -> bool:
    return bool(POINTS.match(cell.text)) and not _is_code(cell)


def _is_name(cell: Cell) -> bool:
    return not cell.blank and not _is_code(cell) and not POINTS.match(cell.text)


def _rows(cells: list[Cell]) -> list[Row]:
    """Walk the cells: code → name → points (→ five assessment cells → note).

    A code followed at once by a points cell is a row whose name the text lost (its points are
    read); a code followed by neither a name nor points is a row of which only the code survives.
    """
    rows: list[Row] = []
    index = 0
    while index < len(cells):
        cell = cells[index]
        unnumbered = cell.blank and cell.row_start and index + 1 < len(cells) and _is_name(cells[index + 1])
        if not (_is_code(cell) or unnumbered):
            index += 1
            continue
        code = None if unnumbered else cell.text.rstrip(".")
        inferred = {"code"} if cell.inserted else set()
        name_cell = cells[index + 1] if index + 1 < len(cells) else None
        if name_cell is None or not _is_name(name_cell):
            lost_name = Row(code, "", None, line=cell.line, fused=True, inferred=inferred)
            index += 1
            if name_cell is not None and _is_points(name_cell):
                lost_name.points = Decimal(name_cell.text.replace(",", "."))
                index += 1
            rows.append(lost_name)
            continue
        used = [cell, name_cell]
        points = None
        position = index + 2
        if position < len(cells) and _is_points(cells[position]):
            points = Decimal(cells[position].text.replace(",", "."))
            used.append(cells[position])
            position += 1
        note = ""
        assessment = cells[position : position + 5]
        if points is not None and len(assessment) == 5 and all(c.blank and not c.row_start for c in assessment):
            after = cells[position + 5] if position + 5 < len(cells) else None
            if after is not None and not after.row_start and not after.blank:
                note = " ".join(after.lines).strip()
        name_lines = [line for line in name_cell.lines if line.strip()]
        rows.append(
            Row(
                code=code,
                name=name_lines[0].strip().rstrip(":").strip(),
                points=points,
                note=note,
                guidance="\n".join(name_lines[1:]),
                line=cell.line,
                fused=any(c.fused for c in used) or (points is None and not unnumbered),
                bullets=len(name_lines) > 1,
                inferred=inferred,
            )
        )
        index = position
    return rows


def _table(lines: list[str], offset: int, start: int, end: int, label: str, fixes: list[dict[str, Any]]) -> Table:
    """Read one table's rows, after the reviewed corrections of single cells.

    A cell correction names its cell by its text ("text", or "text_starts" for a long one) and
    either replaces that text ("set": a garbled printed cell), puts a code cell before it
    ("insert_code": the cell is the name of a row whose STT cell was lost; the code is marked
    inferred), or lists it under missing ("missing": a printed criterion whose code and points
    were lost, kept by its printed name and never placed by guesswork).
    """
    cells = _cells(lines[start:end], offset + start)
    orphans: list[dict[str, Any]] = []
    for fix in fixes:
        if fix["table"] != label:
            continue
        hits = [
            cell
            for cell in cells
            if cell.text == fix.get("text") or ("text_starts" in fix and cell.text.startswith(fix["text_starts"]))
        ]
        if len(hits) != 1:
            raise ValueError(f"Correction {fix} matches {len(hits)} cells of table {label}.")
        hit = hits[0]
        if "set" in fix:
            hit.lines[0] = fix["set"]
        elif "insert_code" in fix:
            code = Cell([fix["insert_code"]], hit.line, fused=False, row_start=True, inserted=True)
            cells.insert(cells.index(hit), code)
        elif "missing" in fix:
            name = " ".join(line.strip() for line in hit.lines if line.strip())
            orphans.append({**fix["missing"], "what": "criterion", "code": "", "name": name})
        else:
            raise ValueError(f"Correction {fix} says neither set, insert_code nor missing.")
    total_at = next(i for i, cell in enumerate(cells) if cell.text == "Tổng cộng")
    total = Decimal(cells[total_at + 1].text)
    return Table(label=label, total=total, rows=_rows(cells[total_at + 2 :]), orphans=orphans)


def _declared(lines: list[str]) -> dict[str, dict[str, Any]]:
    """Section "I. Cấu trúc": '<code>. Chỉ số <name>:' then counts, then the component names."""
    heading = re.compile(r"^(\d+(?:\.\d+)?)\. Chỉ số (.+?):\s*$")
    counts = re.compile(r"Gồm (\d+) chỉ số thành phần(?:,? với (\d+) tiêu chí)?")
    declared: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for line in lines:
        text = line.strip()
        if text.startswith("II."):
            break
        match = heading.match(text)
        if match:
            current = {"code": match.group(1), "name": match.group(2), "components": None, "criteria": None}
            current["component_names"] = []
            declared[match.group(1)] = current
            continue
        if current is None:
            continue
        match = counts.match(text)
        if match:
            current["components"] = int(match.group(1))
            current["criteria"] = int(match.group(2)) if match.group(2) else None
        elif text.startswith("Các chỉ số thành phần gồm:"):
            names = text.split(":", 1)[1].strip().rstrip(".,")
            current["component_names"] = [_capitalise(name.strip()) for name in names.split(";") if name.strip()]
    return declared


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- corrections ------------------------------------------------------------------------------


def _correct(table: Table, corrections: list[dict[str, Any]]) -> None:
    """Apply the reviewed corrections of one table: change, drop or add rows.

    What a correction fills in where the text printed nothing is marked inferred: every cell of
    an added row (a row the text lost, whose printed children need it), and a field set on a row
    that had it empty. Changing or clearing a printed cell is a reading, not an inference.
    """
    for item in corrections:
        if item.get("table") != table.label:
            continue
        if "add" in item:
            code: str = item["add"]["code"]
            row = Row(
                code=code,
                name=item["add"]["name"],
                points=_decimal(item["add"].get("points")),
                incomplete=bool(item["add"].get("incomplete")),
                why=item["why"],
                inferred={"code", "name"} | ({"max_points"} if item["add"].get("points") is not None else set()),
            )
            prefix = code + "."
            position = next(
                (i for i, r in enumerate(table.rows) if r.code and r.code.startswith(prefix)), len(table.rows)
            )
            table.rows.insert(position, row)
            continue
        matches = [
            row
            for row in table.rows
            if row.code == item.get("code") and row.name.startswith(item.get("name_starts", ""))
        ]
        if len(matches) != 1:
            raise ValueError(f"Correction {item} matches {len(matches)} rows of table {table.label}.")
        row = matches[0]
        if item.get("drop"):
            table.rows.remove(row)
            continue
        for key, value in item.get("set", {}).items():
            if key == "points":
                if row.points is None and value is not None:
                    row.inferred.add("max_points")
                row.points = _decimal(value)
                row.fused = False
            elif key == "name" and value and not row.name:
                row.name = value
                row.inferred.add("name")
            elif key == "guidance":
                row.guidance = value
                row.bullets = bool(value)
            else:
                setattr(row, key, value)
        row.why = item["why"]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# --- building the tree --------------------------------------------------------------------------


def _tree(table: Table, prefix: str, declared: dict[str, dict[str, Any]]) -> tuple[list[dict], list[Row]]:
    """Turn a table's rows into nodes (keys prefixed), dropping what the text lost."""
    nodes: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    dropped: list[Row] = []
    previous: dict[str, Any] | None = None
    seen_codes = {row.code for row in table.rows if row.code}
    for row in table.rows:
        if row.code is None:
            if row.bullets and previous is not None and previous["node"]["kind"] != "main":
                # the explanation of the row above: its guidance and its note
                previous["node"]["guidance"] = "\n".join(
                    part for part in (previous["node"]["guidance"], row.name + ":", row.guidance) if part
                )
                previous["note"] = previous["note"] or row.note
                continue
            if previous is None or previous["node"]["kind"] != "component" or previous["children"]:
                dropped.append(row)
                continue
            row.code = previous["node"]["code"] + ".1"
            row.inferred.add("code")
        depth = row.code.count(".") + 1
        main_code = row.code.split(".")[0]
        if not row.name and depth == 2:
            names = declared.get(main_code, {}).get("component_names", [])
            position = int(row.code.split(".")[1]) - 1
            if 0 <= position < len(names):
                row.name = names[position]
                row.inferred.add("name")
        parent_code = row.code.rsplit(".", 1)[0] if depth > 1 else None
        parent_key = f"{prefix}{parent_code}" if parent_code else None
        if depth > 3 or not row.name or (parent_key and parent_key not in nodes):
            dropped.append(row)
            if parent_key in nodes:
                nodes[parent_key]["incomplete"] = True
            continue
        key = f"{prefix}{row.code}"
        node: dict[str, Any] = {
            "key": key,
            "code": row.code,
            "parent": parent_key,
            "kind": KINDS[depth],
            "name": row.name,
            "max_points": row.points,
            "guidance": row.guidance,
            "incomplete": row.incomplete,
            "inferred": row.inferred,
        }
        nodes[key] = node
        order.append(key)
        entry: dict[str, Any] = {"node": node, "note": row.note, "children": 0, "row": row}
        nodes[key]["_entry"] = entry
        if parent_key:
            nodes[parent_key]["_entry"]["children"] += 1
        previous = entry
    # A main index or component whose rows below were all lost has nothing to score unless the
    # text prints its own points: then it is scored directly (a leaf, marked incomplete);
    # without points it is left out.
    changed = True
    while changed:
        changed = False
        for key in list(order):
            node = nodes[key]
            entry = node["_entry"]
            if entry["children"] or node["kind"] == "criterion" or node.get("_direct"):
                continue
            lost_below = any(code.startswith(node["code"] + ".") for code in seen_codes)
            if node["max_points"] is None:
                order.remove(key)
                dropped.append(entry["row"])
                if node["parent"]:
                    nodes[node["parent"]]["incomplete"] = True
                    nodes[node["parent"]]["_entry"]["children"] -= 1
                changed = True
            elif node["kind"] == "main" or lost_below:
                node["_direct"] = True
                node["incomplete"] = True
    result = []
    for key in order:
        node = dict(nodes[key])
        entry = node.pop("_entry")
        node["_note"] = entry["note"]
        result.append(node)
    return result, dropped


def _mark_unbalanced(nodes: list[dict[str, Any]]) -> None:
    """Mark incomplete every node whose children's printed points do not add up to its own."""
    children: dict[str | None, list[dict[str, Any]]] = {}
    for node in nodes:
        children.setdefault(node["parent"], []).append(node)
    for node in nodes:
        below = children.get(node["key"], [])
        if not below or node["max_points"] is None:
            continue
        known = sum((child["max_points"] for child in below if child["max_points"] is not None), Decimal(0))
        if known != node["max_points"]:
            node["incomplete"] = True


def _finish_leaves(nodes: list[dict[str, Any]]) -> None:
    """Give every leaf its source, rule, parameters, unit and evidence flag."""
    parents = {node["parent"] for node in nodes}
    by_key = {node["key"]: node for node in nodes}
    for node in nodes:
        note = node.pop("_note", "")
        if node["key"] in parents:
            continue
        main = node
        while main["kind"] != "main":
            main = by_key[main["parent"]]
        source = _source(note) or _source(main["name"]) or "self_report"
        parameters: dict[str, Any]
        if node.pop("_direct", False):
            # scored directly: its criteria are lost, so no rule can be read from their wording
            rule, parameters, unit = "manual", {}, "điểm"
        else:
            rule, parameters, unit = _rule(node["name"], source)
        node.update(source=source, rule=rule, parameters=parameters, unit=unit)
        node["evidence_required"] = source == "self_report"


def _source(text: str) -> str:
    lowered = text.lower()
    if "điều tra xã hội" in lowered:
        return "survey"
    if "không gian mạng" in lowered:
        return "cyberspace"
    if "chuyên gia" in lowered:
        return "expert"
    if any(word in lowered for word in ("bộ tttt đánh giá", "giám sát", "đo kiểm")):
        return "monitored"
    return ""


def _rule(name: str, source: str) -> tuple[str, dict[str, Any], str]:
    lowered = name.lower()
    if source in ("survey", "cyberspace", "expert"):
        return "manual", {}, "điểm"
    if any(word in lowered for word in PER_CAPITA):
        return "relative_to_best", {}, "số lượng" if lowered.startswith("số ") else "tỷ lệ"
    if lowered.startswith("tỷ lệ min/max"):
        return "minmax", {"inverted": True}, "tỷ lệ"
    if lowered.startswith("tỷ lệ"):
        inverted = any(word in lowered for word in INVERTED_WORDS)
        return "percentage", ({"inverted": True} if inverted else {}), "%"
    if lowered.startswith("số "):
        return "relative_to_best", {}, "số lượng"
    if lowered.startswith(BOOLEAN_OPENINGS):
        return "boolean", {}, "Có/Không"
    return "manual", {}, "điểm"


def _node_json(node: dict[str, Any]) -> dict[str, Any]:
    leaf = "rule" in node
    return {
        "key": node["key"],
        "code": node["code"],
        "parent": node["parent"],
        "kind": node["kind"],
        "name": node["name"],
        "name_en": "",
        "max_points": _plain(node["max_points"]),
        "source": node.get("source") if leaf else None,
        "unit": node.get("unit", ""),
        "evidence_required": node.get("evidence_required", False),
        "rule": node.get("rule") if leaf else None,
        "parameters": node.get("parameters", {}),
        "not_applicable_groups": [],
        "focus": False,
        "incomplete": node["incomplete"],
        "inferred": [cell for cell in INFERABLE if cell in node.get("inferred", ())],
        "guidance": node["guidance"],
    }


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _missing(
    nodes: list[dict[str, Any]],
    dropped: list[Row],
    declared: dict[str, dict[str, Any]],
    prefix: str,
    parent_of_main: str | None,
    table: str,
    listed_by_name: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """List what the text lost: main indices, components (by section I's names), criteria.

    `listed_by_name` are the lost parts listed by name elsewhere (printed criteria whose code was lost,
    reviewed entries): a main index's count of other lost criteria leaves them out.
    """
    keys = {node["key"]: node for node in nodes}
    tree: dict[str, list[dict[str, Any]]] = {}
    for node in nodes:
        tree.setdefault(node["parent"], []).append(node)
    missing: list[dict[str, Any]] = []
    listed: set[str] = set()
    reason_table = f"bảng {table}"
    for code, item in declared.items():
        main_key = f"{prefix}{code.split('.')[-1]}"
        main_code = code.split(".")[-1]
        if main_key not in keys:
            row = next((row for row in dropped if row.code == main_code and row.name), None)
            if row is not None and row.points is not None:
                reason = (
                    f"Văn bản nguồn còn dòng của chỉ số chính này (điểm tối đa {_plain(row.points)}) "
                    f"nhưng mất toàn bộ các dòng bên dưới trong {reason_table}."
                )
            else:
                reason = f"Văn bản nguồn mất dòng của chỉ số chính này và các dòng bên dưới trong {reason_table}."
            missing.append(_lost(parent_of_main, "main", main_code, item["name"], reason))
        components = tree.get(main_key, [])
        found_codes = {node["code"] for node in components}
        for position, name in enumerate(item["component_names"], start=1):
            component_code = f"{main_code}.{position}"
            if component_code not in found_codes:
                listed.add(component_code)
                if any(row.code == component_code for row in dropped):
                    reason = (
                        f"Văn bản nguồn còn mã của chỉ số thành phần này nhưng mất tên, điểm tối đa và các dòng "
                        f"bên dưới trong {reason_table}; tên theo mục I."
                    )
                else:
                    reason = f"Văn bản nguồn mất dòng của chỉ số thành phần này trong {reason_table}."
                missing.append(_lost(main_key, "component", component_code, name, reason))
        declared_components = item["components"] or 0
        named = len(item["component_names"])
        for extra in range(named + 1, declared_components + 1):
            component_code = f"{main_code}.{extra}"
            if component_code not in found_codes:
                missing.append(
                    _lost(
                        main_key,
                        "component",
                        component_code,
                        "",
                        "Mục I công bố số chỉ số thành phần nhiều hơn số tên liệt kê; "
                        f"văn bản nguồn không có dòng này trong {reason_table}.",
                    )
                )
        found_criteria = sum(len(tree.get(node["key"], [])) for node in components)
        lost_listed = [
            row for row in dropped if row.code and row.code.count(".") == 2 and row.code.split(".")[0] == main_code
        ]
        lost_named = [
            entry
            for entry in listed_by_name
            if entry["what"] == "criterion"
            and (entry["parent"] == main_key or str(entry["parent"]).startswith(main_key + "."))
        ]
        remaining = (item["criteria"] or 0) - found_criteria - len(lost_listed) - len(lost_named)
        if remaining > 0:
            missing.append(
                _lost(
                    main_key,
                    "criterion",
                    "",
                    f"{remaining} tiêu chí khác",
                    f"Mục I công bố {item['criteria']} tiêu chí; "
                    + ("ngoài các dòng đã liệt kê, " if lost_listed or lost_named else "")
                    + f"văn bản nguồn mất {remaining} dòng tiêu chí của {reason_table}.",
                )
            )
    for row in dropped:
        if not row.code or row.code in listed:
            continue
        depth = row.code.count(".") + 1
        if depth == 1 and f"{prefix}{row.code}" in keys:
            continue
        parent_code = row.code.rsplit(".", 1)[0] if depth > 1 else None
        parent = f"{prefix}{parent_code}" if parent_code else parent_of_main
        if depth == 1 and any(m["code"] == row.code and m["what"] == "main" for m in missing):
            continue
        if row.name and row.points is None:
            reason = f"Văn bản nguồn còn tên nhưng mất điểm tối đa của dòng này trong {reason_table}."
        elif row.name:
            reason = f"Văn bản nguồn mất các dòng bên dưới hoặc dòng cha của mục này trong {reason_table}."
        elif row.points is not None:
            reason = (
                f"Văn bản nguồn còn mã và điểm tối đa ({_plain(row.points)}) nhưng mất tên của dòng này "
                f"trong {reason_table}."
            )
        else:
            reason = f"Văn bản nguồn còn mã nhưng mất tên và điểm của dòng này trong {reason_table}."
        missing.append(_lost(parent, KINDS.get(depth, "criterion"), row.code, row.name, reason))
    return missing


def _attach(missing: list[dict[str, Any]], keys: set[str]) -> list[dict[str, Any]]:
    """Hang each missing part on its nearest ancestor that is a node (a lost parent is no node)."""
    for item in missing:
        parent = item["parent"]
        while parent is not None and parent not in keys:
            head, _, code = parent.rpartition("/")
            if "." in code:
                parent = f"{head}/{code.rsplit('.', 1)[0]}" if head else code.rsplit(".", 1)[0]
            else:
                parent = head or None
        item["parent"] = parent
    return missing


def _lost(parent: str | None, what: str, code: str, name: str, reason: str) -> dict[str, Any]:
    return {"parent": parent, "what": what, "code": code or None, "name": name or None, "reason": reason}


def _declared_json(
    declared: dict[str, dict[str, Any]],
    prefix: str,
    extra: list[dict[str, Any]],
    framework: str,
    present: set[str],
) -> list[dict[str, Any]]:
    """Section I's structure of each main index present (a lost main index is listed as missing)."""
    result = []
    for code, item in declared.items():
        if f"{prefix}{code.split('.')[-1]}" not in present:
            continue
        result.append(
            {
                "key": f"{prefix}{code.split('.')[-1]}",
                "components": item["components"],
                "criteria": item["criteria"],
                "component_names": item["component_names"],
            }
        )
    for item in extra:
        if item.get("framework") != framework or not item["key"].startswith(prefix):
            continue
        entry = next((entry for entry in result if entry["key"] == item["key"]), None)
        if entry is None:
            entry = {"key": item["key"], "components": None, "criteria": None, "component_names": []}
            result.append(entry)
        entry.update(item["set"])
    return result


# --- the two frameworks -----------------------------------------------------------------------


def _province(lines: list[str], offset: int, corrections: dict[str, Any], number: str, date: str) -> dict[str, Any]:
    structure = next(i for i, line in enumerate(lines) if line.strip().startswith("I. Cấu trúc"))
    tables_at = next(i for i, line in enumerate(lines) if line.strip().startswith("II. Các bảng"))
    # section I: "1. Trụ cột …" (printed "I.") then "<pillar>.<main>. Chỉ số …"
    declared_all = _declared(lines[structure + 1 : tables_at])
    titles = [
        (i, PILLARS[match.group(1)])
        for i, line in enumerate(lines)
        if (match := re.match(r"^Bảng [\w.]+\. Chỉ số chuyển đổi số cấp tỉnh trụ cột (.+?)\s*$", line.strip()))
    ]
    data_categories = next(i for i, line in enumerate(lines) if re.match(r"^Bảng I\.4\.", line.strip()))
    bounds = [i for i, _ in titles] + [data_categories]
    nodes: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    declared_json: list[dict[str, Any]] = []
    aggregates = []
    total = Decimal(0)
    for (start, pillar), end in zip(titles, bounds[1:], strict=True):
        pillar_number = str(list(PILLARS.values()).index(pillar) + 1)
        table = _table(lines, offset, start, end, TABLE_OF_PILLAR[pillar], corrections["cells"])
        _correct(table, corrections["rows"])
        declared = {
            code.split(".")[1]: item for code, item in declared_all.items() if code.split(".")[0] == pillar_number
        }
        prefix = f"{pillar}/"
        tree, dropped = _tree(table, prefix, declared)
        by_name = [
            _lost(item["parent"], item["what"], item.get("code", ""), item.get("name", ""), item["reason"])
            for item in [*table.orphans, *(entry for entry in corrections["missing"] if entry["table"] == table.label)]
        ]
        missing_here = _missing(tree, dropped, declared, prefix, pillar, table.label, by_name) + by_name
        missing_here = _attach(missing_here, {node["key"] for node in tree} | {pillar})
        lost_mains = {item["parent"] for item in missing_here} | {
            f"{prefix}{item['code']}" for item in missing_here if item["what"] == "main"
        }
        for node in tree:
            if node["key"] in lost_mains:
                node["incomplete"] = True
        _mark_unbalanced(tree)
        pillar_name = next(name for name, code in PILLARS.items() if code == pillar)
        pillar_node = {
            "key": pillar,
            "code": pillar,
            "parent": None,
            "kind": "pillar",
            "name": pillar_name,
            "max_points": table.total,
            "guidance": "",
            "incomplete": bool(missing_here) or any(node["incomplete"] for node in tree),
            "_note": "",
        }
        for node in tree:
            if node["parent"] is None:
                node["parent"] = pillar
        nodes += [pillar_node, *tree]
        missing += missing_here
        declared_json += _declared_json(
            declared, prefix, corrections["declared"], "dti-2020-province", {node["key"] for node in tree}
        )
        mains = [node["key"] for node in tree if node["kind"] == "main"]
        aggregates.append({"code": pillar, "name": pillar_name, "main_indices": mains})
        total += table.total
    _mark_unbalanced(nodes)
    _finish_leaves(nodes)
    every_main = [key for aggregate in aggregates for key in aggregate["main_indices"]]
    return {
        "code": "dti-2020-province",
        "level": "province",
        "name": "Chỉ số chuyển đổi số cấp tỉnh 2020",
        "decision_number": number,
        "decision_date": date,
        "first_year": 2020,
        "last_year": 2020,
        "max_points": _plain(total),
        "precision": 4,
        "source": f"Quyết định {number}, Phụ lục I (bảng I.1–I.3)",
        "nodes": [_node_json(node) for node in nodes],
        "aggregates": [{"code": "DTI", "name": "Chỉ số chuyển đổi số DTI", "main_indices": every_main}, *aggregates],
        "declared": declared_json,
        "missing": _attach(missing, {node["key"] for node in nodes}),
    }


def _ministry(lines: list[str], offset: int, corrections: dict[str, Any], number: str, date: str) -> dict[str, Any]:
    structure = next(i for i, line in enumerate(lines) if line.strip().startswith("I. Cấu trúc"))
    table_at = next(i for i, line in enumerate(lines) if line.strip().startswith("II. Bảng"))
    declared = _declared(lines[structure + 1 : table_at])
    table = _table(lines, offset, table_at, len(lines), "II", corrections["cells"])
    _correct(table, corrections["rows"])
    tree, dropped = _tree(table, "", declared)
    by_name = [_lost(item["parent"], "criterion", "", item["name"], item["reason"]) for item in table.orphans]
    missing = _missing(tree, dropped, declared, "", None, "Phụ lục II", by_name) + by_name
    _mark_unbalanced(tree)
    _finish_leaves(tree)
    mains = [node["key"] for node in tree if node["kind"] == "main"]
    return {
        "code": "dti-2020-ministry",
        "level": "ministry",
        "name": "Chỉ số chuyển đổi số cấp bộ 2020",
        "decision_number": number,
        "decision_date": date,
        "first_year": 2020,
        "last_year": 2020,
        "max_points": _plain(table.total),
        "precision": 4,
        "source": f"Quyết định {number}, Phụ lục II",
        "nodes": [_node_json(node) for node in tree],
        "aggregates": [{"code": "DTI", "name": "Chỉ số chuyển đổi số DTI", "main_indices": mains}],
        "declared": _declared_json(
            declared, "", corrections["declared"], "dti-2020-ministry", {node["key"] for node in tree}
        ),
        "missing": _attach(missing, {node["key"] for node in tree}),
    }
