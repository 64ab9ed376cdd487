"""A framework as plain data: what fixtures and Excel files hold, and what the integrity check reads.

Everything here is free of the ORM, so a framework can be parsed, checked and compared before
anything is written, and the same check runs on a fixture, an uploaded file or a stored version.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .rules import Rule, validate_rule

LEVELS = ("province", "ministry", "national")
KINDS = ("pillar", "main", "component", "criterion")
SOURCES = ("self_report", "monitored", "survey", "cyberspace", "expert")


class FrameworkDataError(Exception):
    """The data does not describe a framework; `problems` says why, one sentence each (Vietnamese)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


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
            "max_points": _plain(self.max_points),
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
                    "max_points": _plain(node.max_points),
                    "source": node.source or None,
                    "unit": node.unit,
                    "evidence_required": node.evidence_required,
                    "rule": node.rule or None,
                    "parameters": node.parameters,
                    "not_applicable_groups": node.not_applicable_groups,
                    "focus": node.focus,
                    "incomplete": node.incomplete,
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
            level=reader.choice(raw, "level", LEVELS, "bộ chỉ số"),
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
                    kind=reader.choice(item, "kind", KINDS, place),
                    name=reader.text(item, "name", place),
                    name_en=str(item.get("name_en") or ""),
                    max_points=reader.points(item, "max_points", place, required=False),
                    source=reader.choice(item, "source", SOURCES, place, required=False),
                    unit=str(item.get("unit") or ""),
                    evidence_required=bool(item.get("evidence_required")),
                    rule=reader.choice(item, "rule", tuple(Rule), place, required=False),
                    parameters=dict(item.get("parameters") or {}),
                    not_applicable_groups=[str(group) for group in item.get("not_applicable_groups") or []],
                    focus=bool(item.get("focus")),
                    incomplete=bool(item.get("incomplete")),
                    guidance=str(item.get("guidance") or ""),
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


def _plain(value: Decimal | None) -> str | None:
    """A decimal as the shortest string that keeps its value ("2", "0.5"); None stays None."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


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
        value = item.get(name)
        if value in (None, "") and not required:
            return None
        try:
            year = int(value)  # type: ignore[arg-type]
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


@dataclass
class IntegrityReport:
    """The integrity check's findings. Errors block use; incompleteness is reported, not an error."""

    framework: str
    errors: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.errors and not self.incomplete

    def to_json(self) -> dict[str, Any]:
        return {"errors": self.errors, "incomplete": self.incomplete, "summary": self.summary}


def check_framework_data(data: FrameworkData) -> IntegrityReport:
    """Check a framework's internal consistency and completeness.

    Errors: duplicate or orphan keys, a node under the wrong kind of parent, children's points
    that differ from their parent's where every figure is known, leaves' sum or the DTI aggregate
    differing from the framework's total (for a complete framework), aggregates naming anything
    but main indices, invalid rules or parameters, structure counts that differ from the declared
    ones without the parent being marked incomplete. Incompleteness: nodes marked incomplete,
    points the source lost, and every missing part listed.
    """
    report = IntegrityReport(framework=data.code)
    errors, incomplete = report.errors, report.incomplete
    by_key: dict[str, NodeData] = {}
    for key, count in Counter(node.key for node in data.nodes).items():
        if count > 1:
            errors.append(f"Khóa “{key}” bị trùng ({count} lần).")
    for node in data.nodes:
        by_key.setdefault(node.key, node)
    tree = data.children()
    expected_parent_kinds = {
        "pillar": {None},
        "main": {None, "pillar"},
        "component": {"main"},
        "criterion": {"component"},
    }
    for node in data.nodes:
        if node.parent is not None and node.parent not in by_key:
            errors.append(f"“{node.key}”: chỉ số cha “{node.parent}” không tồn tại.")
            continue
        parent_kind = by_key[node.parent].kind if node.parent else None
        if parent_kind not in expected_parent_kinds[node.kind]:
            errors.append(f"“{node.key}” ({node.kind}) không thể nằm dưới “{node.parent}” ({parent_kind}).")
    leaves = data.leaves()
    leaf_keys = {leaf.key for leaf in leaves}
    for node in data.nodes:
        if node.max_points is None:
            incomplete.append(f"“{node.key}” {node.name}: văn bản nguồn mất điểm tối đa.")
        if node.incomplete:
            incomplete.append(f"“{node.key}” {node.name}: văn bản nguồn mất một phần chỉ số con.")
        if node.key in leaf_keys:
            if not node.rule:
                errors.append(f"“{node.key}”: chỉ số lá phải có quy tắc tính điểm.")
            else:
                errors.extend(f"“{node.key}”: {problem}" for problem in validate_rule(node.rule, node.parameters))
            if not node.source:
                errors.append(f"“{node.key}”: chỉ số lá phải có nguồn dữ liệu.")
        elif node.rule or node.source:
            errors.append(f"“{node.key}”: chỉ có chỉ số lá mới có quy tắc tính điểm và nguồn dữ liệu.")
        children = tree.get(node.key, [])
        known = [child.max_points for child in children if child.max_points is not None]
        if children and node.max_points is not None and not node.incomplete and len(known) == len(children):
            total = sum(known, Decimal(0))
            if total != node.max_points:
                errors.append(
                    f"“{node.key}”: tổng điểm các chỉ số con ({_plain(total)}) "
                    f"khác điểm tối đa ({_plain(node.max_points)})."
                )
    _check_declared(data, by_key, tree, report)
    for missing in data.missing:
        label = " ".join(part for part in (missing.code, missing.name) if part) or missing.what
        incomplete.append(f"Thiếu {label} (thuộc “{missing.parent or data.code}”): {missing.reason}")
    _check_totals(data, by_key, leaves, report)
    report.summary = {
        "nodes": dict(Counter(node.kind for node in data.nodes)),
        "leaves": len(leaves),
        "leaf_points": _plain(sum((leaf.max_points or Decimal(0) for leaf in leaves), Decimal(0))),
        "max_points": _plain(data.max_points),
        "missing": len(data.missing),
    }
    return report


def _descendants_of_kind(key: str, kind: str, tree: dict[str | None, list[NodeData]]) -> int:
    count = 0
    stack = list(tree.get(key, []))
    while stack:
        node = stack.pop()
        count += node.kind == kind
        stack.extend(tree.get(node.key, []))
    return count


def _check_declared(
    data: FrameworkData, by_key: dict[str, NodeData], tree: dict[str | None, list[NodeData]], report: IntegrityReport
) -> None:
    for declared in data.declared:
        node = by_key.get(declared.key)
        if node is None:
            report.errors.append(f"Cấu trúc công bố nói đến “{declared.key}”, không có trong bộ chỉ số.")
            continue
        for kind, expected, label in (
            ("component", declared.components, "chỉ số thành phần"),
            ("criterion", declared.criteria, "tiêu chí"),
        ):
            if expected is None:
                continue
            found = _descendants_of_kind(node.key, kind, tree)
            if found == expected:
                continue
            message = f"“{node.key}” {node.name}: công bố {expected} {label}, có {found}."
            lost_below = node.incomplete or any(
                by_key[key].incomplete for key in by_key if _is_below(by_key[key], node.key, by_key)
            )
            if found < expected and lost_below:
                report.incomplete.append(message)
            else:
                report.errors.append(message)


def _is_below(node: NodeData, ancestor: str, by_key: dict[str, NodeData]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = by_key[parent].parent if parent in by_key else None
    return False


def _check_totals(
    data: FrameworkData, by_key: dict[str, NodeData], leaves: list[NodeData], report: IntegrityReport
) -> None:
    for aggregate in data.aggregates:
        for key in aggregate.main_indices:
            if key not in by_key:
                report.errors.append(f"Chỉ số tổng hợp “{aggregate.code}”: không có chỉ số “{key}”.")
            elif by_key[key].kind != "main":
                report.errors.append(f"Chỉ số tổng hợp “{aggregate.code}”: “{key}” không phải chỉ số chính.")
    if len({a.code for a in data.aggregates}) != len(data.aggregates):
        report.errors.append("Mã chỉ số tổng hợp bị trùng.")
    dti = next((a for a in data.aggregates if a.code == "DTI"), None)
    if dti is None:
        report.errors.append("Thiếu chỉ số tổng hợp “DTI”.")
    if report.incomplete:
        return
    leaf_total = sum((leaf.max_points or Decimal(0) for leaf in leaves), Decimal(0))
    if leaf_total != data.max_points:
        report.errors.append(
            f"Tổng điểm các chỉ số lá ({_plain(leaf_total)}) khác tổng điểm bộ chỉ số ({_plain(data.max_points)})."
        )
    if dti is not None and all(key in by_key for key in dti.main_indices):
        dti_total = sum((by_key[key].max_points or Decimal(0) for key in dti.main_indices), Decimal(0))
        if dti_total != data.max_points:
            report.errors.append(
                f"Chỉ số DTI: tổng điểm các chỉ số chính ({_plain(dti_total)}) "
                f"khác tổng điểm ({_plain(data.max_points)})."
            )


def aggregate_max_points(data: FrameworkData) -> dict[str, Decimal | None]:
    """Return each aggregate's max points: the sum of its main indices' (None when one was lost)."""
    by_key = {node.key: node for node in data.nodes}
    result: dict[str, Decimal | None] = {}
    for aggregate in data.aggregates:
        points = [by_key[key].max_points if key in by_key else None for key in aggregate.main_indices]
        result[aggregate.code] = None if any(p is None for p in points) else sum(points, Decimal(0))  # type: ignore[arg-type]
    return result


@dataclass
class Change:
    """One difference between two framework versions, for the dry run and the comparison page."""

    kind: str  # "added" | "removed" | "changed"
    key: str
    name: str
    details: list[str] = field(default_factory=list)


_COMPARED_FIELDS = (
    ("name", "tên"),
    ("max_points", "điểm tối đa"),
    ("kind", "loại"),
    ("parent", "chỉ số cha"),
    ("source", "nguồn dữ liệu"),
    ("rule", "quy tắc"),
    ("parameters", "tham số"),
    ("evidence_required", "cần tài liệu kiểm chứng"),
    ("not_applicable_groups", "không áp dụng cho nhóm"),
    ("focus", "cần tập trung"),
)


def compare_frameworks(old: FrameworkData, new: FrameworkData, mapping: dict[str, str] | None = None) -> list[Change]:
    """List the nodes added, removed or changed from `old` to `new`, in `new`'s order.

    Nodes are matched by key, or through `mapping` (old key → new key) where a later version
    gave the same indicator a new code.
    """
    mapping = mapping or {}
    renamed_to = {old_key: new_key for old_key, new_key in mapping.items()}
    renamed_from = {new_key: old_key for old_key, new_key in mapping.items()}
    old_nodes = {node.key: node for node in old.nodes}
    new_keys = {node.key for node in new.nodes}
    changes: list[Change] = []
    for node in new.nodes:
        before = old_nodes.get(renamed_from.get(node.key, node.key))
        if before is None:
            changes.append(Change("added", node.key, node.name, [f"điểm tối đa {_plain(node.max_points)}"]))
            continue
        details = [
            f"{label}: {_show(getattr(before, attribute))} → {_show(getattr(node, attribute))}"
            for attribute, label in _COMPARED_FIELDS
            if getattr(before, attribute) != getattr(node, attribute) and attribute != "parent"
        ]
        if before.key != node.key:
            details.insert(0, f"mã: {before.key} → {node.key}")
        elif before.parent != node.parent:
            details.append(f"chỉ số cha: {_show(before.parent)} → {_show(node.parent)}")
        if details:
            changes.append(Change("changed", node.key, node.name, details))
    changes.extend(
        Change("removed", node.key, node.name, [f"điểm tối đa {_plain(node.max_points)}"])
        for node in old.nodes
        if renamed_to.get(node.key, node.key) not in new_keys
    )
    return changes


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return _plain(value) or ""
    if value in (None, "", [], {}):
        return "—"
    return str(value)
