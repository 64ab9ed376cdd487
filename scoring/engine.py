"""The scoring engine: plain data in, plain data out, Decimal arithmetic, no ORM.

Input: a framework (its tree, the leaves' rules, the aggregates, the leaves excluded from the
campaign) and every unit's leaf values for one stage (self-assessed, appraised or final).
Output: for every unit and every node — leaf, component, main index, pillar, aggregate — its
score and max points; value = score / max. Values stay unrounded; rounding is for display and
ranking only.

The method (Decision 1726/QĐ-BTTTT, Decision 922/QĐ-BTTTT):
- a missing self-reported value scores 0;
- a leaf that does not apply to a unit's peer group leaves both its score and its max for that
  unit; a leaf excluded from the campaign leaves them for every unit;
- rules comparing units (relative to the best, min-max, z-score) compare the units of one peer
  group, among those the leaf applies to;
- a parent's score and max are the sums of its children's; an aggregate (the DTI, a pillar) sums
  its main indices' scores and maxima.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from common.rules import DEFAULT_ZSCORE_BOUND, PEER_GROUP_RULES, Rule, local_score

ZERO = Decimal(0)


@dataclass(frozen=True)
class NodeSpec:
    """One node of the framework tree; a leaf is a node with no children."""

    key: str
    parent: str | None
    max_points: Decimal
    rule: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    not_applicable_groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FrameworkSpec:
    nodes: tuple[NodeSpec, ...]
    aggregates: Mapping[str, tuple[str, ...]]
    excluded: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LeafValue:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    choice: str = ""


@dataclass(frozen=True)
class UnitInput:
    code: str
    group: str
    values: Mapping[str, LeafValue]


@dataclass(frozen=True)
class NodeResult:
    score: Decimal
    max_points: Decimal

    @property
    def value(self) -> Decimal | None:
        """Score over max; None where the node is worth nothing (max 0, e.g. Đô thị thông minh)."""
        return self.score / self.max_points if self.max_points else None


Results = dict[str, dict[str, NodeResult]]


def score_campaign(framework: FrameworkSpec, units: Iterable[UnitInput]) -> Results:
    """Score every unit on every node and aggregate: {unit code: {node key or aggregate code: result}}."""
    units = list(units)
    children: dict[str | None, list[NodeSpec]] = defaultdict(list)
    for node in framework.nodes:
        children[node.parent].append(node)
    leaves = [node for node in framework.nodes if not children.get(node.key)]
    leaf_scores: dict[str, dict[str, Decimal]] = {unit.code: {} for unit in units}
    for leaf in leaves:
        if leaf.key in framework.excluded:
            continue
        applicable = [unit for unit in units if unit.group not in leaf.not_applicable_groups]
        if leaf.rule in PEER_GROUP_RULES:
            by_group: dict[str, list[UnitInput]] = defaultdict(list)
            for unit in applicable:
                by_group[unit.group].append(unit)
            for group_units in by_group.values():
                scores = score_peer_group(leaf, [unit.values.get(leaf.key) for unit in group_units])
                for unit, score in zip(group_units, scores, strict=True):
                    leaf_scores[unit.code][leaf.key] = score
        else:
            for unit in applicable:
                leaf_scores[unit.code][leaf.key] = score_leaf(leaf, unit.values.get(leaf.key))
    results: Results = {}
    for unit in units:
        own = leaf_scores[unit.code]
        totals: dict[str, NodeResult] = {}

        def total(node: NodeSpec, own: dict[str, Decimal] = own, totals: dict[str, NodeResult] = totals) -> NodeResult:
            kids = children.get(node.key)
            if not kids:
                result = NodeResult(own[node.key], node.max_points) if node.key in own else NodeResult(ZERO, ZERO)
            else:
                parts = [total(child) for child in kids]
                result = NodeResult(sum((p.score for p in parts), ZERO), sum((p.max_points for p in parts), ZERO))
            totals[node.key] = result
            return result

        for root in children.get(None, []):
            total(root)
        for code, main_keys in framework.aggregates.items():
            parts = [totals[key] for key in main_keys if key in totals]
            totals[code] = NodeResult(sum((p.score for p in parts), ZERO), sum((p.max_points for p in parts), ZERO))
        results[unit.code] = totals
    return results


def score_leaf(leaf: NodeSpec, answer: LeafValue | None) -> Decimal:
    """Score one unit's answer by a rule that needs no other unit; a missing answer scores 0."""
    answer = answer or LeafValue()
    score = local_score(
        leaf.rule,
        dict(leaf.parameters),
        leaf.max_points,
        value=answer.value,
        numerator=answer.numerator,
        denominator=answer.denominator,
        choice=answer.choice,
    )
    return ZERO if score is None else score


def score_peer_group(leaf: NodeSpec, answers: list[LeafValue | None]) -> list[Decimal]:
    """Score one peer group's answers to a leaf whose rule compares units; missing answers score 0."""
    values = [answer.value if answer is not None else None for answer in answers]
    present = [value for value in values if value is not None]
    top = leaf.max_points
    if leaf.rule == Rule.RELATIVE_TO_BEST:
        best = max(present, default=ZERO)
        if best <= 0:
            return [ZERO for _value in values]
        return [ZERO if value is None else top * max(value, ZERO) / best for value in values]
    inverted = bool(leaf.parameters.get("inverted"))
    if leaf.rule == Rule.MINMAX:
        low, high = min(present, default=ZERO), max(present, default=ZERO)
        if high == low:
            # Nobody is ahead of anybody: a shared positive value earns the points, a shared 0 does not.
            return [ZERO if value is None or value <= 0 else top for value in values]
        span = high - low
        return [
            ZERO if value is None else top * ((high - value) if inverted else (value - low)) / span for value in values
        ]
    if leaf.rule == Rule.ZSCORE:
        bound = Decimal(str(leaf.parameters.get("bound", DEFAULT_ZSCORE_BOUND)))
        if not present:
            return [ZERO for _value in values]
        mean = sum(present, ZERO) / len(present)
        variance = sum(((value - mean) ** 2 for value in present), ZERO) / len(present)
        deviation = variance.sqrt()
        scores = []
        for value in values:
            if value is None:
                scores.append(ZERO)
                continue
            z = ZERO if deviation == 0 else (value - mean) / deviation
            if inverted:
                z = -z
            z = min(max(z, -bound), bound)
            scores.append(top * (z + bound) / (2 * bound))
        return scores
    raise ValueError(f"{leaf.rule!r} is not a peer-group rule")


def aggregate_main_values(
    main_points: Mapping[str, Decimal], aggregates: Mapping[str, tuple[str, ...]], values: Mapping[str, Decimal]
) -> dict[str, NodeResult]:
    """From a unit's main-index values (0–1), each main index's and aggregate's score and max.

    Used where only main-index values are known, such as published results of past years: a
    main index's score is its value times its max points.
    """
    mains = {key: NodeResult(values[key] * points, points) for key, points in main_points.items() if key in values}
    results = dict(mains)
    for code, keys in aggregates.items():
        parts = [mains[key] for key in keys if key in mains]
        results[code] = NodeResult(sum((p.score for p in parts), ZERO), sum((p.max_points for p in parts), ZERO))
    return results
