"""The 2022 framework (Decision 922/QĐ-BTTTT): province (Phụ lục I) and ministry (Phụ lục II).

No seed holds the decision's annex tables (Bảng I.4, II.2); the research note found none either.
What is known comes from three seeds, transcribed by hand into the reviewed data file
fixtures/source/framework_2022.json, each fact with the seed and section (or the URL) it comes
from. This module checks every transcribed name and figure against the seed text it cites, fails
when one is not found, and builds the fixture form of `indicators.framework.parse.FrameworkData`.

- Seed 002 (the DTI 2021 report), Phụ lục A and B: the decision's number and date, the main
  indices and their points (province 5 × 100, Đô thị thông minh 0, activity 200 / 150 / 150;
  ministry 5 × 100 + 500), the pillars (each = the six foundation indices, Đô thị thông minh
  included, + its own activity index; 700 / 650 / 650) and the totals of 98 and 70 components.
- Seed 003 (a province's 2023 plan), part III: the component indices it names with their max
  points (appraised points are not kept). Its tables print the activity indices' components as
  6.x / 7.x / 8.x because its own sections leave out Đô thị thông minh; the decision numbers
  these main indices 7, 8, 9 (Bảng I.1 in the research note, seed 002's order), so they are
  keyed 7.x / 8.x / 9.x with the printed position number. Its data-entry forms (Phụ lục I–IX)
  give the unit of some components and the names of Đô thị thông minh's three components.
- Seed 000 (letter 3243/BTTTT-CĐSQG): the component indices to focus on → `focus` on the nodes
  that exist; the others are named in "missing".
- The research note: the number of components of each main index (Bảng I.1, II.1), the years.

Years: DTI 2021 was assessed on this framework (seed 002), and DTI 2024 on Decision
405/QĐ-BKHCN (research note §5, §7), so first_year = 2021 and last_year = 2023.

Leaves: the data source is "monitored" where seed 003 says the ministry published or measured the
figure ("Tỷ lệ do Bộ TTTT công bố", "Theo số liệu của Bộ TTTT"), else "self_report". The rule is
"manual" unless one of seed 003's appraised scores shows it: linear in a percentage
(`percentage`), a numerator over a denominator (`ratio`), broadcast-frequency bands (`levels`,
with the two fractions the text gives). Where a quoted score does not fit a linear rule, the rule
stays manual. A main index without any known component (the six ministry ones, Đô thị thông minh)
is a leaf scored directly ("manual", self-reported), marked incomplete.

Missing: every component the sources count but do not give with a name and max points. Codes are
numbered 1..n within a main index, so the codes not yet seen are known; a missing entry gets its
code only where no named entry competes for the same codes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).resolve().parents[1] / "fixtures" / "source" / "framework_2022.json"
REPORT = "002_2b7b94aae0ee5dde.txt"
PLAN = "003_eae0db6a5ca426eb.txt"
LETTER = "000_7f9999df6d673a87.txt"
MAX_POINTS = Decimal(1000)

DECISION = re.compile(
    r"Ngày (\d{1,2})/(\d{1,2})/(\d{4}), Bộ trưởng Bộ Thông tin và Truyền thông ban hành Quyết định số (\d+/QĐ-BTTTT)"
)
POINTS = re.compile(r"([^,;:()]+?) \((\d+) điểm\)")
PILLAR_POINTS = re.compile(r"Trụ cột (chính quyền số|kinh tế số|xã hội số): (\d+) điểm")
PILLARS = {"CQS": "chính quyền số", "KTS": "kinh tế số", "XHS": "xã hội số"}

FORM_REASON = (
    "Tên theo mẫu thu thập số liệu năm 2023 của tỉnh Quảng Nam (seed 003, Phụ lục I, mục X); "
    "không nguồn nào cho mã và điểm tối đa của nó."
)
LOST_TABLE = {
    "province": "Bảng I.4, Phụ lục I Quyết định 922/QĐ-BTTTT",
    "ministry": "Bảng II.2, Phụ lục II Quyết định 922/QĐ-BTTTT",
}


class SourceMismatch(Exception):
    """A transcribed fact is not found in the seed text it cites."""


def build(seeds: Path) -> list[dict[str, Any]]:
    """Return the fixture forms of dti-2022-province and dti-2022-ministry."""
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    report = (seeds / REPORT).read_text(encoding="utf-8")
    plan = (seeds / PLAN).read_text(encoding="utf-8")
    letter = (seeds / LETTER).read_text(encoding="utf-8")
    number, date = _decision(report, data["decision"])
    _check_totals(report, data)
    _check_points(report, data)
    _check_components(plan, data["province"])
    _check_focus(letter, data)
    common = {
        "decision_number": number,
        "decision_date": date,
        "first_year": data["years"]["first_year"],
        "last_year": data["years"]["last_year"],
        "max_points": _plain(MAX_POINTS),
        "precision": 4,
    }
    return [_province(data, common), _ministry(data, common)]


# --- checks against the seed texts -------------------------------------------------------------


def _loose(text: str) -> str:
    """A regex matching `text` whatever whitespace the conversion put between its characters."""
    return r"\s*".join(re.escape(char) for char in re.sub(r"\s+", "", text))


def _require(found: bool, message: str) -> None:
    if not found:
        raise SourceMismatch(message)


def _decision(report: str, decision: dict[str, str]) -> tuple[str, str]:
    match = DECISION.search(report)
    _require(match is not None, f"{REPORT}: the sentence naming Decision 922 is not found")
    assert match is not None
    day, month, year, number = match.groups()
    date = f"{year}-{int(month):02d}-{int(day):02d}"
    _require((number, date) == (decision["number"], decision["date"]), f"{REPORT}: the decision is {number} of {date}")
    return number, date


def _paragraph(report: str, opening: str) -> str:
    start = report.index(opening)
    return report[start : report.index("\n", start)]


def _check_totals(report: str, data: dict[str, Any]) -> None:
    for level, mains in (("province", "09"), ("ministry", "06")):
        total = data[level]["total_components"]
        phrase = f"{mains} chỉ số chính với {total} chỉ số thành phần"
        _require(phrase in report, f"{REPORT}: “{phrase}” is not found")
        counted = sum(main["components"] for main in data[level]["main"])
        _require(counted == total, f"{level}: the main indices count {counted} components, the report {total}")


def _check_points(report: str, data: dict[str, Any]) -> None:
    province = _paragraph(report, "- Thang điểm DTI cấp tỉnh như sau:")
    printed = {name.strip().lower(): int(points) for name, points in POINTS.findall(province)}
    if "Đô thị thông minh không tính điểm" in province:
        printed["đô thị thông minh"] = 0
    ministry = _paragraph(report, "- Thang điểm DTI cấp bộ như sau:")
    printed_ministry = {name.strip().lower(): int(points) for name, points in POINTS.findall(ministry)}
    activity = re.search(r"(\d+) điểm cho chỉ số (Hoạt động chuyển đổi số)", ministry)
    _require(activity is not None, f"{REPORT}: the ministry activity index's points are not found")
    assert activity is not None
    printed_ministry[activity.group(2).lower()] = int(activity.group(1))
    for level, points in (("province", printed), ("ministry", printed_ministry)):
        for main in data[level]["main"]:
            found = points.get(main["name"].lower())
            _require(found == main["points"], f"{REPORT}: {level} “{main['name']}” prints {found} points")
    by_key = {main["key"]: main["points"] for main in data["province"]["main"]}
    pillars = {name: int(points) for name, points in PILLAR_POINTS.findall(province)}
    for aggregate in data["province"]["aggregates"]:
        if aggregate["code"] in PILLARS:
            total = sum(by_key[key] for key in aggregate["main_indices"])
            expected = pillars.get(PILLARS[aggregate["code"]])
            _require(total == expected == aggregate["points"], f"{REPORT}: pillar {aggregate['code']} is {expected}")


def _check_components(plan: str, province: dict[str, Any]) -> None:
    for main, table in province["components"].items():
        for row in table["rows"]:
            _require(row["key"].split(".")[0] == main, f"{row['key']}: not under main index {main}")
            _require(row["key"].split(".")[1] == row["seed_code"].split(".")[1], f"{row['key']}: position differs")
            name = row.get("printed") or row["name"]
            pattern = _loose(f"{row['seed_code']} {name}") + r"\s+" + re.escape(str(row["points"])) + r"\s"
            _require(re.search(pattern, plan) is not None, f"{PLAN}: row {row['seed_code']} {name} is not found")
    for named in province["named_components"]:
        for name in named["names"]:
            _require(re.search(_loose(name), plan) is not None, f"{PLAN}: “{name}” is not found")


def _check_focus(letter: str, data: dict[str, Any]) -> None:
    for level in ("province", "ministry"):
        for item in data[level]["focus"]:
            pattern = _loose(f"({item['item']})") + r"\s*" + _loose(item["name"])
            _require(re.search(pattern, letter) is not None, f"{LETTER}: item ({item['item']}) is not found")


# --- building -----------------------------------------------------------------------------------


def _province(data: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    level = data["province"]
    focus = {item["key"] for item in level["focus"] if item["key"]}
    nodes: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    declared: list[dict[str, Any]] = []
    named = {entry["main"]: entry for entry in level["named_components"]}
    notes = {note["code"]: note["note"] for note in level["notes"]}
    for main in level["main"]:
        rows = sorted(level["components"].get(main["key"], {"rows": []})["rows"], key=_position)
        complete = len(rows) == main["components"]
        if rows:
            nodes.append(_node(main["key"], None, "main", main["name"], main["points"], incomplete=not complete))
        else:
            guidance = (
                "Không tính điểm vào DTI cấp tỉnh, dùng để tham khảo (Báo cáo DTI 2021, Phụ lục B). "
                if main["points"] == 0
                else ""
            ) + f"Chưa có điểm tối đa của các chỉ số thành phần ({LOST_TABLE['province']}): chấm trực tiếp."
            nodes.append(_main_leaf(main, guidance))
        for row in rows:
            nodes.append(_component(row, main["key"], row["key"] in focus))
        seen = {row["key"] for row in rows}
        gaps = [f"{main['key']}.{n}" for n in range(1, main["components"] + 1) if f"{main['key']}.{n}" not in seen]
        names = [
            (item["name"], _focus_reason(item["item"]))
            for item in level["focus"]
            if item["main"] == main["key"] and not item["key"]
        ]
        if main["key"] in named:
            names += [(name, FORM_REASON) for name in named[main["key"]]["names"]]
        missing += _missing(main["key"], gaps, names, notes, LOST_TABLE["province"])
        declared.append(
            {
                "key": main["key"],
                "components": main["components"],
                "criteria": None,
                "component_names": named[main["key"]]["names"] if main["key"] in named else [],
            }
        )
    return {
        "code": "dti-2022-province",
        "level": "province",
        "name": "Chỉ số chuyển đổi số cấp tỉnh 2022",
        **common,
        "source": "Quyết định 922/QĐ-BTTTT, Phụ lục I; theo Báo cáo DTI 2021 (Phụ lục A, B) "
        "và Kế hoạch nâng cao DTI 2023 của tỉnh Quảng Nam",
        "nodes": nodes,
        "aggregates": [_aggregate(item) for item in level["aggregates"]],
        "declared": declared,
        "missing": missing,
    }


def _ministry(data: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    level = data["ministry"]
    nodes = []
    missing: list[dict[str, Any]] = []
    for main in level["main"]:
        guidance = f"Chưa có các chỉ số thành phần ({LOST_TABLE['ministry']}): chấm trực tiếp điểm chỉ số chính."
        nodes.append(_main_leaf(main, guidance))
        focus = [item for item in level["focus"] if item["main"] == main["key"]]
        names = [(item["name"], _focus_reason(item["item"], level="bộ")) for item in focus]
        missing += _missing(main["key"], [None] * main["components"], names, {}, LOST_TABLE["ministry"])
    return {
        "code": "dti-2022-ministry",
        "level": "ministry",
        "name": "Chỉ số chuyển đổi số cấp bộ 2022",
        **common,
        "source": "Quyết định 922/QĐ-BTTTT, Phụ lục II; theo Báo cáo DTI 2021 (Phụ lục A, B)",
        "nodes": nodes,
        "aggregates": [_aggregate(item) for item in level["aggregates"]],
        "declared": [
            {"key": main["key"], "components": main["components"], "criteria": None, "component_names": []}
            for main in level["main"]
        ],
        "missing": missing,
    }


def _position(row: dict[str, Any]) -> int:
    return int(row["key"].split(".")[1])


def _node(key: str, parent: str | None, kind: str, name: str, points: Any, **fields: Any) -> dict[str, Any]:
    node: dict[str, Any] = {
        "key": key,
        "code": key,
        "parent": parent,
        "kind": kind,
        "name": name,
        "name_en": "",
        "max_points": _plain(Decimal(str(points))),
        "source": None,
        "unit": "",
        "evidence_required": False,
        "rule": None,
        "parameters": {},
        "not_applicable_groups": [],
        "focus": False,
        "incomplete": False,
        "guidance": "",
    }
    node.update(fields)
    return node


def _main_leaf(main: dict[str, Any], guidance: str) -> dict[str, Any]:
    return _node(
        main["key"],
        None,
        "main",
        main["name"],
        main["points"],
        source="self_report",
        evidence_required=True,
        rule="manual",
        incomplete=True,
        guidance=guidance,
    )


def _component(row: dict[str, Any], parent: str, focus: bool) -> dict[str, Any]:
    return _node(
        row["key"],
        parent,
        "component",
        row["name"],
        row["points"],
        source=row["source"],
        unit=row.get("unit", ""),
        evidence_required=row["source"] == "self_report",
        rule=row["rule"],
        parameters=row.get("parameters", {}),
        focus=focus,
    )


def _aggregate(item: dict[str, Any]) -> dict[str, Any]:
    return {"code": item["code"], "name": item["name"], "main_indices": list(item["main_indices"])}


def _focus_reason(item: int, level: str = "tỉnh") -> str:
    return (
        f"Văn bản 3243/BTTTT-CĐSQG (Phụ lục, DTI cấp {level}, mục ({item})) nêu chỉ số thành phần này "
        "cần tập trung thúc đẩy, nhưng không nguồn nào cho mã và điểm tối đa của nó."
    )


def _missing(
    parent: str, gaps: Sequence[str | None], names: list[tuple[str, str]], notes: dict[str, str], table: str
) -> list[dict[str, Any]]:
    """One entry per component not in the nodes: the named ones first, then the rest."""
    codes = [code for code in gaps if code]
    candidates = f" Mã là một trong: {', '.join(codes)}." if names and codes else ""
    entries = [
        {"parent": parent, "what": "component", "code": None, "name": name, "reason": reason + candidates}
        for name, reason in names
    ]
    rest = gaps if not names else [None] * (len(gaps) - len(names))
    for code in rest:
        reason = f"Không nguồn nào cho tên và điểm tối đa của chỉ số thành phần này ({table} chưa thu thập được)."
        if code and code in notes:
            reason += " " + notes[code]
        entries.append(
            {"parent": parent, "what": "component", "code": code, "name": None, "reason": reason + candidates}
        )
    return entries


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
