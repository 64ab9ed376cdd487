"""The integrity check: whether a framework's data hangs together, and what its source lost.

It runs on a fixture, an uploaded file or a stored version alike (read back as plain data), so
the same rules decide whether a framework may be imported and whether it is complete.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from common.vocabulary import HEADLINE

from ..models import Node
from ..rules import validate_rule
from .parse import FrameworkData, NodeData, plain_number

# The report's words for the printed cells; the report is stored and shown in Vietnamese.
CELL_WORDS = {Node.Cell.CODE: "mã", Node.Cell.NAME: "tên", Node.Cell.MAX_POINTS: "điểm tối đa"}


@dataclass
class IntegrityReport:
    """The integrity check's findings. Errors block use; incompleteness is reported, not an error.

    `inferred` lists the rows with cells the source does not print: a framework with any is as
    far from complete as one with a lost part, whatever its sums say.
    """

    framework: str
    errors: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.errors and not self.incomplete and not self.inferred

    def to_json(self) -> dict[str, Any]:
        return {
            "errors": self.errors,
            "incomplete": self.incomplete,
            "inferred": self.inferred,
            "summary": self.summary,
        }


def check_framework_data(data: FrameworkData) -> IntegrityReport:
    """Check a framework's internal consistency and completeness.

    Errors: duplicate or orphan keys, a node under the wrong kind of parent, children's points
    that differ from their parent's where every figure is known and the parent is not marked
    incomplete, leaves' sum or the DTI aggregate differing from the framework's total (for a
    complete framework), aggregates naming anything but main indices, invalid rules or
    parameters, structure counts that differ from the declared ones without the parent being
    marked incomplete. Incompleteness: nodes marked incomplete, points the source lost, every
    other parent whose children's points do not add up to its own, and every missing part
    listed. Inferred: every node with a cell the source does not print.
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
    expected_parent_kinds: dict[str, set[str | None]] = {
        Node.Kind.PILLAR: {None},
        Node.Kind.MAIN: {None, Node.Kind.PILLAR},
        Node.Kind.COMPONENT: {Node.Kind.MAIN},
        Node.Kind.CRITERION: {Node.Kind.COMPONENT},
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
        if node.inferred:
            cells = ", ".join(CELL_WORDS[Node.Cell(cell)] for cell in node.inferred)
            report.inferred.append(f"“{node.key}” {node.name}: {cells} suy ra, không in trong văn bản.")
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
        total = sum(known, Decimal(0))
        if children and node.max_points is not None and total != node.max_points:
            message = (
                f"“{node.key}”: tổng điểm các chỉ số con ({plain_number(total)}) "
                f"khác điểm tối đa ({plain_number(node.max_points)})."
            )
            # Every figure known and nothing marked lost: the data contradicts itself. Otherwise
            # the source lost or garbled points, and the sum that does not hold is reported.
            wrong = len(known) == len(children) and not node.incomplete
            (errors if wrong else incomplete).append(message)
    _check_declared(data, by_key, tree, report)
    for missing in data.missing:
        label = " ".join(part for part in (missing.code, missing.name) if part) or missing.what
        incomplete.append(f"Thiếu {label} (thuộc “{missing.parent or data.code}”): {missing.reason}")
    _check_totals(data, by_key, leaves, report)
    report.summary = {
        "nodes": dict(Counter(node.kind for node in data.nodes)),
        "leaves": len(leaves),
        "leaf_points": plain_number(sum((leaf.max_points or Decimal(0) for leaf in leaves), Decimal(0))),
        "max_points": plain_number(data.max_points),
        "missing": len(data.missing),
        "inferred": len(report.inferred),
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
            (Node.Kind.COMPONENT, declared.components, "chỉ số thành phần"),
            (Node.Kind.CRITERION, declared.criteria, "tiêu chí"),
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
            elif by_key[key].kind != Node.Kind.MAIN:
                report.errors.append(f"Chỉ số tổng hợp “{aggregate.code}”: “{key}” không phải chỉ số chính.")
    if len({a.code for a in data.aggregates}) != len(data.aggregates):
        report.errors.append("Mã chỉ số tổng hợp bị trùng.")
    dti = next((a for a in data.aggregates if a.code == HEADLINE), None)
    if dti is None:
        report.errors.append(f"Thiếu chỉ số tổng hợp “{HEADLINE}”.")
    if report.incomplete:
        return
    leaf_total = sum((leaf.max_points or Decimal(0) for leaf in leaves), Decimal(0))
    if leaf_total != data.max_points:
        report.errors.append(
            f"Tổng điểm các chỉ số lá ({plain_number(leaf_total)}) "
            f"khác tổng điểm bộ chỉ số ({plain_number(data.max_points)})."
        )
    if dti is not None and all(key in by_key for key in dti.main_indices):
        dti_total = sum((by_key[key].max_points or Decimal(0) for key in dti.main_indices), Decimal(0))
        if dti_total != data.max_points:
            report.errors.append(
                f"Chỉ số {HEADLINE}: tổng điểm các chỉ số chính ({plain_number(dti_total)}) "
                f"khác tổng điểm ({plain_number(data.max_points)})."
            )
