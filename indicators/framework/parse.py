"""A framework as plain data: reading the fixture form into dataclasses, and writing it back.

Reading checks every field's form (names present, numbers numeric, words from the vocabulary) and
names every problem at once; whether the whole hangs together is the integrity check's question
(`indicators.framework.integrity`). Nothing here touches the database, so a framework can be
read, checked and compared before anything is written.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from common.errors import Rejected
from common.rules import Rule

from ..models import Framework, Node


class FrameworkDataError(Rejected):
    """The data does not describe a framework; `problems` says why, one sentence each (Vietnamese)."""


@dataclass
class NodeData:
    key: str
    code: str
    parent: str | None
    kind: str
    name: str
    max_points: Decimal | None = None
    name_en: str = ""
    source: str = ""
    unit: str = ""
    evidence_required: bool = False
    rule: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    not_applicable_groups: list[str] = field(default_factory=list)
    focus: bool = False
    incomplete: bool = False
    guidance: str = ""
    # the printed cells (Node.Cell values) the source does not print and the data infers
    inferred: list[str] = field(default_factory=list)


@dataclass
class AggregateData:
    code: str
    name: str
    main_indices: list[str]


@dataclass
class DeclaredData:
    key: str
    components: int | None = None
    criteria: int | None = None
    component_names: list[str] = field(default_factory=list)


@dataclass
class MissingData:
    parent: str | None
    what: str
    reason: str
    code: str = ""
    name: str = ""


@dataclass
class FrameworkData:
    code: str
    level: str
    name: str
    decision_number: str
    decision_date: datetime.date
    first_year: int
    last_year: int | None
    max_points: Decimal
    precision: int = 4
    source: str = ""
    nodes: list[NodeData] = field(default_factory=list)
    aggregates: list[AggregateData] = field(default_factory=list)
    declared: list[DeclaredData] = field(default_factory=list)
    missing: list[MissingData] = field(default_factory=list)

    def leaves(self) -> list[NodeData]:
        """Return the nodes that have no children, in order."""
        parents = {node.parent for node in self.nodes}
        return [node for node in self.nodes if node.key not in parents]

    def children(self) -> dict[str | None, list[NodeData]]:
        tree: dict[str | None, list[NodeData]] = defaultdict(list)
        for node in self.nodes:
            tree[node.parent].append(node)
        return tree

    def to_json(self) -> dict[str, Any]:
        """Return the fixture form: decimals as strings, the date in ISO form."""
        return {
            "code": self.code,
            "level": self.level,
            "name": self.name,
            "decision_number": self.decision_number,
            "decision_date": self.decision_date.isoformat(),
            "first_year": self.first_year,
            "last_year": self.last_year,
            "max_points": plain_number(self.max_points),
            "precision": self.precision,
            "source": self.source,
            "nodes": [
                {
                    "key": node.key,
                    "code": node.code,
                    "parent": node.parent,
                    "kind": node.kind,
                    "name": node.name,
                    "name_en": node.name_en,
                    "max_points": plain_number(node.max_points),
                    "source": node.source or None,
                    "unit": node.unit,
                    "evidence_required": node.evidence_required,
                    "rule": node.rule or None,
                    "parameters": node.parameters,
                    "not_applicable_groups": node.not_applicable_groups,
                    "focus": node.focus,
                    "incomplete": node.incomplete,
                    "inferred": list(node.inferred),
                    "guidance": node.guidance,
                }
                for node in self.nodes
            ],
            "aggregates": [
                {"code": a.code, "name": a.name, "main_indices": list(a.main_indices)} for a in self.aggregates
            ],
            "declared": [
                {"key": d.key, "components": d.components, "criteria": d.criteria, "component_names": d.component_names}
                for d in self.declared
            ],
            "missing": [
                {"parent": m.parent, "what": m.what, "code": m.code or None, "name": m.name or None, "reason": m.reason}
                for m in self.missing
            ],
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any], where: Callable[[str, int], str] | None = None) -> FrameworkData:
        """Build from the fixture form; raise FrameworkDataError naming every malformed field.

        `where(section, position)` names the place of the n-th node or aggregate in messages
        (an Excel import names the sheet and row); by default "chỉ số thứ n".
        """
        where = where or _default_where
        problems: list[str] = []
        reader = _Reader(problems)
        data = cls(
            code=reader.text(raw, "code", "bộ chỉ số"),
            level=reader.choice(raw, "level", tuple(Framework.Level.values), "bộ chỉ số"),
            name=reader.text(raw, "name", "bộ chỉ số"),
            decision_number=reader.text(raw, "decision_number", "bộ chỉ số"),
            decision_date=reader.date(raw, "decision_date", "bộ chỉ số"),
            first_year=reader.year(raw, "first_year", "bộ chỉ số", required=True) or 0,
            last_year=reader.year(raw, "last_year", "bộ chỉ số", required=False),
            max_points=reader.points(raw, "max_points", "bộ chỉ số", required=True) or Decimal(0),
            precision=int(raw.get("precision") or 4),
            source=str(raw.get("source") or ""),
        )
        for position, item in enumerate(raw.get("nodes") or [], start=1):
            place = where("nodes", position)
            data.nodes.append(
                NodeData(
                    key=reader.text(item, "key", place),
                    code=reader.text(item, "code", place),
                    parent=item.get("parent") or None,
                    kind=reader.choice(item, "kind", tuple(Node.Kind.values), place),
                    name=reader.text(item, "name", place),
                    name_en=str(item.get("name_en") or ""),
                    max_points=reader.points(item, "max_points", place, required=False),
                    source=reader.choice(item, "source", tuple(Node.Source.values), place, required=False),
                    unit=str(item.get("unit") or ""),
                    evidence_required=bool(item.get("evidence_required")),
                    rule=reader.choice(item, "rule", tuple(Rule), place, required=False),
                    parameters=dict(item.get("parameters") or {}),
                    not_applicable_groups=[str(group) for group in item.get("not_applicable_groups") or []],
                    focus=bool(item.get("focus")),
                    incomplete=bool(item.get("incomplete")),
                    guidance=str(item.get("guidance") or ""),
                    inferred=reader.cells(item, "inferred", place),
                )
            )
        for position, item in enumerate(raw.get("aggregates") or [], start=1):
            place = where("aggregates", position)
            data.aggregates.append(
                AggregateData(
                    code=reader.text(item, "code", place),
                    name=reader.text(item, "name", place),
                    main_indices=[str(key) for key in item.get("main_indices") or []],
                )
            )
        for item in raw.get("declared") or []:
            data.declared.append(
                DeclaredData(
                    key=str(item.get("key") or ""),
                    components=item.get("components"),
                    criteria=item.get("criteria"),
                    component_names=list(item.get("component_names") or []),
                )
            )
        for item in raw.get("missing") or []:
            data.missing.append(
                MissingData(
                    parent=item.get("parent") or None,
                    what=str(item.get("what") or ""),
                    code=str(item.get("code") or ""),
                    name=str(item.get("name") or ""),
                    reason=str(item.get("reason") or ""),
                )
            )
        if problems:
            raise FrameworkDataError(problems)
        return data


def _default_where(section: str, position: int) -> str:
    return f"chỉ số thứ {position}" if section == "nodes" else f"chỉ số tổng hợp thứ {position}"


def plain_number(value: Decimal | None) -> str | None:
    """A decimal as the shortest string that keeps its value ("2", "0.5"); None stays None."""
    if value is None:
        return None
    return format(value.normalize(), "f")


class _Reader:
    """Reads typed fields from a dict, collecting a Vietnamese sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems

    def text(self, item: dict[str, Any], name: str, where: str) -> str:
        value = str(item.get(name) or "").strip()
        if not value:
            self.problems.append(f"{where}: thiếu “{name}”.")
        return value

    def choice(
        self, item: dict[str, Any], name: str, allowed: tuple[str, ...], where: str, required: bool = True
    ) -> str:
        value = str(item.get(name) or "").strip()
        if not value and not required:
            return ""
        if value not in allowed:
            self.problems.append(f"{where}: “{name}” phải là một trong {', '.join(allowed)}; nhận được “{value}”.")
        return value

    def cells(self, item: dict[str, Any], name: str, where: str) -> list[str]:
        """A list of printed-cell names (Node.Cell), each once, in the vocabulary's order."""
        value = item.get(name) or []
        if not isinstance(value, list | tuple):
            self.problems.append(f"{where}: “{name}” phải là danh sách các ô; nhận được “{value}”.")
            return []
        given = [str(cell).strip() for cell in value]
        unknown = [cell for cell in given if cell not in Node.Cell.values]
        if unknown:
            allowed = ", ".join(Node.Cell.values)
            self.problems.append(f"{where}: “{name}” chỉ gồm các ô {allowed}; nhận được “{', '.join(unknown)}”.")
        return [cell for cell in Node.Cell.values if cell in given]

    def date(self, item: dict[str, Any], name: str, where: str) -> datetime.date:
        value = item.get(name)
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.problems.append(f"{where}: “{name}” phải là ngày dạng YYYY-MM-DD; nhận được “{value}”.")
            return datetime.date(1970, 1, 1)

    def year(self, item: dict[str, Any], name: str, where: str, required: bool) -> int | None:
        value: Any = item.get(name)  # whatever the file held: int() decides
        if value in (None, "") and not required:
            return None
        try:
            year = int(value)
        except (TypeError, ValueError):
            self.problems.append(f"{where}: “{name}” phải là năm (ví dụ 2022); nhận được “{value}”.")
            return None
        if not 2000 <= year <= 2100:
            self.problems.append(f"{where}: “{name}” phải là năm từ 2000 đến 2100; nhận được {year}.")
        return year

    def points(self, item: dict[str, Any], name: str, where: str, required: bool) -> Decimal | None:
        value = item.get(name)
        if value in (None, ""):
            if required:
                self.problems.append(f"{where}: thiếu “{name}”.")
            return None
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            self.problems.append(f"{where}: “{name}” phải là số; nhận được “{value}”.")
            return None
        if not number.is_finite() or number < 0:
            self.problems.append(f"{where}: “{name}” phải là số không âm; nhận được “{value}”.")
            return None
        return number
