"""The scoring engine: plain data in, plain data out, no ORM.

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

Two implementations of the one method. `score_exact` computes in Decimal, unit by unit; it is the
reference. `score_stage` computes every unit at once in float64 arrays: what does not depend on a
unit (the roll-up from leaves to every node and aggregate, the parsed rule parameters) is planned
once (`plan`), each leaf is scored for all units in one array operation, and one matrix product
sums the leaves into every node. Floats are within about 1e-15 of the Decimal figures; the only
figures where that can matter are those lying on a rounding boundary (a value of exactly 0,03125
rounds to 0,0313 at 4 decimals, a float 1e-17 below it to 0,0312). `score_stage` marks every such
cell as uncertain, with a generous bound on its float error, and computes those cells again in
Decimal exactly as `score_exact` does. So every figure ranked (a value at 4 decimals) or shown
(a score or a value kept at 8 decimals, shown at up to 4) equals the Decimal engine's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from common.rules import DEFAULT_TARGET, DEFAULT_ZSCORE_BOUND, PEER_GROUP_RULES, Rule, local_score, parse_decimal

ZERO = Decimal(0)

Floats = NDArray[np.float64]
Integers = NDArray[np.int64]
Flags = NDArray[np.bool_]


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

# Stored figures: max points at 4 decimals, scores at 8 (the columns of scoring.Result).
POINTS_SCALE = 10**4
SCORE_SCALE = 10**8
# The method ranks values at 4 decimals; pages and exports show figures at up to 4.
RANKED_SCALE = 10000.0
SHOWN_SCALES = (10.0, 100.0, 1000.0, 10000.0)
# A float sum of a few hundred terms is within about 1e-14 of the exact one, relative; this bound
# is a hundred times that.
RELATIVE_ERROR = 1e-12
# The error bound of a figure computed from a value a float cannot hold closely enough (see
# `StageValues.imprecise`): any boundary is then within reach, so the cell is always uncertain.
UNKNOWN_ERROR = 1e300


# --- The reference: Decimal, unit by unit -------------------------------------------------------


def score_exact(framework: FrameworkSpec, units: Iterable[UnitInput], only: Collection[str] | None = None) -> Results:
    """Score every unit on every node and aggregate in Decimal: {unit code: {node key or aggregate code: result}}.

    With `only`, just those units are scored; the others are read only where a rule compares units
    (they need be given only the answers to such leaves).
    """
    units = list(units)
    scored = [unit for unit in units if only is None or unit.code in only]
    children: dict[str | None, list[NodeSpec]] = defaultdict(list)
    for node in framework.nodes:
        children[node.parent].append(node)
    leaves = [node for node in framework.nodes if not children.get(node.key)]
    leaf_scores: dict[str, dict[str, Decimal]] = {unit.code: {} for unit in scored}
    for leaf in leaves:
        if leaf.key in framework.excluded:
            continue
        if leaf.rule in PEER_GROUP_RULES:
            by_group: dict[str, list[UnitInput]] = defaultdict(list)
            for unit in units:
                if unit.group not in leaf.not_applicable_groups:
                    by_group[unit.group].append(unit)
            for group_units in by_group.values():
                scores = score_peer_group(leaf, [unit.values.get(leaf.key) for unit in group_units])
                for unit, score in zip(group_units, scores, strict=True):
                    if unit.code in leaf_scores:
                        leaf_scores[unit.code][leaf.key] = score
        else:
            for unit in scored:
                if unit.group not in leaf.not_applicable_groups:
                    leaf_scores[unit.code][leaf.key] = score_leaf(leaf, unit.values.get(leaf.key))
    results: Results = {}
    for unit in scored:
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
        leaf.parameters,
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


# --- The plan: what does not depend on a unit ---------------------------------------------------


@dataclass(frozen=True)
class LeafRule:
    """A leaf's rule with its parameters parsed once, as floats."""

    rule: str
    points: float
    target: float = float(DEFAULT_TARGET)
    cap: float = 1.0
    inverted: bool = False
    bound: float = float(DEFAULT_ZSCORE_BOUND)
    fractions: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, leaf: NodeSpec) -> LeafRule:
        parameters = leaf.parameters
        points = float(leaf.max_points)
        if leaf.rule == Rule.LEVELS:
            fractions = {level["label"]: parse_decimal(level["fraction"]) for level in parameters.get("levels", [])}
            return cls(leaf.rule, points, fractions={label: float(f) for label, f in fractions.items() if f})
        if leaf.rule == Rule.COUNT:
            return cls(leaf.rule, points, cap=float(parse_decimal(parameters["cap"]) or 1))
        if leaf.rule in (Rule.PERCENTAGE, Rule.RATIO):
            target = parse_decimal(parameters.get("target", DEFAULT_TARGET)) or DEFAULT_TARGET
            return cls(leaf.rule, points, target=float(target), inverted=bool(parameters.get("inverted")))
        if leaf.rule == Rule.ZSCORE:
            bound = float(Decimal(str(parameters.get("bound", DEFAULT_ZSCORE_BOUND))))
            return cls(leaf.rule, points, bound=bound, inverted=bool(parameters.get("inverted")))
        if leaf.rule in (Rule.MINMAX, Rule.RELATIVE_TO_BEST, Rule.BOOLEAN, Rule.MANUAL):
            return cls(leaf.rule, points, inverted=bool(parameters.get("inverted")))
        raise ValueError(f"Unknown rule {leaf.rule!r}")


@dataclass(frozen=True)
class Plan:
    """A framework laid out for scoring every unit at once.

    `keys` are the result columns: every node reachable from a root, depth first, then every
    aggregate. `leaves` are the scored leaves (those of the campaign, not excluded), one answer
    column each. `rollup[l, k]` is how many times leaf l counts in column k (1 for the leaf itself
    and each of its ancestors; for an aggregate, once per main index above it that it lists).
    """

    framework: FrameworkSpec
    keys: tuple[str, ...]
    column: Mapping[str, int]
    aggregate_codes: frozenset[str]
    leaves: tuple[NodeSpec, ...]
    leaf_index: Mapping[str, int]
    rules: tuple[LeafRule, ...]
    rollup: Floats
    not_applicable: Mapping[str, frozenset[int]]
    children: Mapping[str, tuple[str, ...]]

    def is_aggregate(self) -> Flags:
        return np.array([key in self.aggregate_codes for key in self.keys], dtype=bool)


def plan(framework: FrameworkSpec) -> Plan:
    """Lay a framework out for `score_stage`: computed once per run, whatever the number of units."""
    children: dict[str | None, list[NodeSpec]] = defaultdict(list)
    for node in framework.nodes:
        children[node.parent].append(node)
    order: list[NodeSpec] = []
    above: dict[str, tuple[str, ...]] = {}
    stack: list[tuple[NodeSpec, tuple[str, ...]]] = [(root, ()) for root in reversed(children.get(None, []))]
    while stack:
        node, ancestors = stack.pop()
        order.append(node)
        above[node.key] = (*ancestors, node.key)
        stack.extend((child, above[node.key]) for child in reversed(children.get(node.key, [])))
    node_keys = [node.key for node in order]
    clash = set(node_keys) & set(framework.aggregates)
    if clash:
        raise ValueError(f"Aggregate codes {sorted(clash)} are also node keys")
    keys = (*node_keys, *framework.aggregates)
    column = {key: n for n, key in enumerate(keys)}
    leaves = tuple(node for node in order if not children.get(node.key) and node.key not in framework.excluded)
    rollup = np.zeros((len(leaves), len(keys)), dtype=np.float64)
    for n, leaf in enumerate(leaves):
        for key in above[leaf.key]:
            rollup[n, column[key]] = 1.0
        for code, mains in framework.aggregates.items():
            rollup[n, column[code]] = sum(1.0 for main in mains if main in above[leaf.key])
    not_applicable: dict[str, set[int]] = defaultdict(set)
    for n, leaf in enumerate(leaves):
        for group in leaf.not_applicable_groups:
            not_applicable[group].add(n)
    return Plan(
        framework=framework,
        keys=keys,
        column=column,
        aggregate_codes=frozenset(framework.aggregates),
        leaves=leaves,
        leaf_index={leaf.key: n for n, leaf in enumerate(leaves)},
        rules=tuple(LeafRule.of(leaf) for leaf in leaves),
        rollup=rollup,
        not_applicable={group: frozenset(found) for group, found in not_applicable.items()},
        children={key: tuple(child.key for child in kids) for key, kids in children.items() if key is not None},
    )


# --- One stage's answers, as arrays -------------------------------------------------------------


@dataclass(frozen=True)
class StageValues:
    """One stage's answers of every unit: a row per unit, a column per leaf of the plan.

    NaN (and an empty choice) where nothing was entered. A number below 1e9 with 6 decimals has at
    most 15 significant digits, which a float keeps: its Decimal is the shortest repr of its float.
    Larger numbers may not survive the float; their answers are given exactly in `exact`, and every
    figure built on them is left to the exact engine.
    """

    units: tuple[str, ...]
    groups: tuple[str, ...]
    value: Floats
    numerator: Floats
    denominator: Floats
    choice: NDArray[np.object_]
    exact: dict[tuple[int, int], LeafValue] = field(default_factory=dict)

    @classmethod
    def empty(cls, plan: Plan, units: Sequence[str], groups: Sequence[str]) -> StageValues:
        shape = (len(units), len(plan.leaves))
        choice = np.empty(shape, dtype=object)
        choice.fill("")
        return cls(
            units=tuple(units),
            groups=tuple(groups),
            value=np.full(shape, np.nan),
            numerator=np.full(shape, np.nan),
            denominator=np.full(shape, np.nan),
            choice=choice,
        )

    @classmethod
    def of(cls, plan: Plan, units: Sequence[UnitInput]) -> StageValues:
        """From the engine's plain per-unit data (the tests', and small callers')."""
        stage = cls.empty(plan, [unit.code for unit in units], [unit.group for unit in units])
        for row, unit in enumerate(units):
            for key, answer in unit.values.items():
                column = plan.leaf_index.get(key)
                if column is None:
                    continue
                numbers = (answer.value, answer.numerator, answer.denominator)
                for target, number in zip((stage.value, stage.numerator, stage.denominator), numbers, strict=True):
                    if number is not None:
                        target[row, column] = float(number)
                stage.choice[row, column] = answer.choice
                if any(number is not None and abs(number) >= FLOAT_EXACT_BELOW for number in numbers):
                    stage.exact[(row, column)] = answer
        return stage

    def copy(self) -> StageValues:
        """Another stage's values, to be changed where an appraiser changed them."""
        return replace(
            self,
            value=self.value.copy(),
            numerator=self.numerator.copy(),
            denominator=self.denominator.copy(),
            choice=self.choice.copy(),
            exact=dict(self.exact),
        )

    def imprecise(self) -> Flags:
        with np.errstate(invalid="ignore"):
            return (
                (np.abs(self.value) >= FLOAT_EXACT_BELOW)
                | (np.abs(self.numerator) >= FLOAT_EXACT_BELOW)
                | (np.abs(self.denominator) >= FLOAT_EXACT_BELOW)
            )

    def answer(self, row: int, column: int) -> LeafValue | None:
        """One answer in Decimal, as entered."""
        if (row, column) in self.exact:
            return self.exact[(row, column)]
        numbers = [None if np.isnan(n) else Decimal(repr(float(n))) for n in
                   (self.value[row, column], self.numerator[row, column], self.denominator[row, column])]  # fmt: skip
        choice = self.choice[row, column]
        if numbers == [None, None, None] and not choice:
            return None
        return LeafValue(numbers[0], numbers[1], numbers[2], choice)


# Answers have 6 decimals: below 1e9 they have at most 15 significant digits, which a float keeps.
FLOAT_EXACT_BELOW = 1e9


# --- Scoring every unit at once -----------------------------------------------------------------


@dataclass
class Scores:
    """Every unit's score and max on every column of the plan, at one stage.

    `exact` holds the Decimal scores of the cells that lay on a rounding boundary (`settled` of
    them): those figures are the exact engine's.
    """

    plan: Plan
    units: tuple[str, ...]
    score: Floats
    max_points: Floats
    exact: dict[tuple[int, int], Decimal] = field(default_factory=dict)

    @property
    def settled(self) -> int:
        return len(self.exact)

    def stored(self) -> tuple[Integers, Integers]:
        """Max points in 1e-4 and scores in 1e-8 points, as integers: the figures as the database keeps
        them (half away from zero; scores are never negative)."""
        points = np.rint(self.max_points * POINTS_SCALE).astype(np.int64)
        scores = np.rint(self.score * SCORE_SCALE).astype(np.int64)
        for (row, column), score in self.exact.items():
            scores[row, column] = int((score * SCORE_SCALE).to_integral_value(rounding=ROUND_HALF_UP))
        return points, scores

    def results(self) -> Results:
        """As the Decimal engine gives them: {unit code: {key: NodeResult}}."""
        points, _scores = self.stored()
        keys = self.plan.keys
        found: Results = {}
        for row, unit in enumerate(self.units):
            scores = self.score[row].tolist()
            maxima = points[row].tolist()
            found[unit] = {
                key: NodeResult(
                    self.exact[(row, n)] if (row, n) in self.exact else Decimal(repr(scores[n])),
                    Decimal(maxima[n]) / POINTS_SCALE,
                )
                for n, key in enumerate(keys)
            }
        return found


def score_stage(plan: Plan, stage: StageValues) -> Scores:
    """Score every unit of one stage on every node and aggregate, in float64 arrays."""
    unit_count, leaf_count = len(stage.units), len(plan.leaves)
    groups = np.array(stage.groups, dtype=object)
    applicable = np.ones((unit_count, leaf_count), dtype=bool)
    for group, columns in plan.not_applicable.items():
        if columns:
            applicable[np.ix_(groups == group, sorted(columns))] = False
    imprecise = stage.imprecise()
    leaf_scores = np.zeros((unit_count, leaf_count))
    leaf_errors = np.where(imprecise & applicable, UNKNOWN_ERROR, 0.0)
    group_members = {group: groups == group for group in set(stage.groups)}
    for column, rule in enumerate(plan.rules):
        if rule.rule in PEER_GROUP_RULES:
            for members in group_members.values():
                rows = members & applicable[:, column]
                if rows.any():
                    scores, bound = _peer_scores(rule, stage.value[rows, column])
                    leaf_scores[rows, column] = scores
                    leaf_errors[rows, column] = bound if not imprecise[rows, column].any() else UNKNOWN_ERROR
        else:
            leaf_scores[:, column] = np.where(applicable[:, column], _local_scores(rule, stage, column), 0.0)
    points = np.array([rule.points for rule in plan.rules]) * applicable
    score = leaf_scores @ plan.rollup
    maxima = points @ plan.rollup
    error = RELATIVE_ERROR * np.maximum(1.0, np.abs(score)) + leaf_errors @ plan.rollup
    exact = _Exact(plan, stage)
    settled = {(int(row), int(column)): exact.total(int(row), plan.keys[column])
               for row, column in zip(*np.nonzero(_uncertain(score, maxima, error)), strict=True)}  # fmt: skip
    return Scores(plan=plan, units=stage.units, score=score, max_points=maxima, exact=settled)


class _Exact:
    """The Decimal engine's score of single cells, computed as `score_exact` computes them (the same
    operations in the same order), from the stage's answers in Decimal."""

    def __init__(self, plan: Plan, stage: StageValues) -> None:
        self.plan, self.stage = plan, stage
        self.nodes = {leaf.key: leaf for leaf in plan.leaves}
        self.peer: dict[tuple[int, str], dict[int, Decimal]] = {}
        self.totals: dict[tuple[int, str], Decimal] = {}

    def total(self, row: int, key: str) -> Decimal:
        found = self.totals.get((row, key))
        if found is None:
            if key in self.plan.aggregate_codes:
                mains = self.plan.framework.aggregates[key]
                found = sum((self.total(row, main) for main in mains if main in self.plan.column), ZERO)
            elif key in self.plan.children:
                found = sum((self.total(row, child) for child in self.plan.children[key]), ZERO)
            else:
                found = self.leaf(row, key)
            self.totals[(row, key)] = found
        return found

    def leaf(self, row: int, key: str) -> Decimal:
        leaf = self.nodes.get(key)
        group = self.stage.groups[row]
        if leaf is None or group in leaf.not_applicable_groups:
            return ZERO  # excluded from the campaign, or not applicable to the unit's group
        column = self.plan.leaf_index[key]
        if leaf.rule not in PEER_GROUP_RULES:
            return score_leaf(leaf, self.stage.answer(row, column))
        if (column, group) not in self.peer:
            members = [n for n, other in enumerate(self.stage.groups) if other == group]
            scores = score_peer_group(leaf, [self.stage.answer(n, column) for n in members])
            self.peer[(column, group)] = dict(zip(members, scores, strict=True))
        return self.peer[(column, group)][row]


def _local_scores(rule: LeafRule, stage: StageValues, column: int) -> Floats:
    """One leaf's scores for every unit by a rule that needs no other unit (`common.rules.local_score`)."""
    value = stage.value[:, column]
    top = rule.points
    with np.errstate(invalid="ignore", divide="ignore"):
        if rule.rule == Rule.BOOLEAN:
            return np.where(~np.isnan(value) & (value != 0), top, 0.0)
        if rule.rule == Rule.MANUAL:
            return np.where(np.isnan(value), 0.0, np.clip(value, 0.0, top))
        if rule.rule == Rule.LEVELS:
            choices = stage.choice[:, column]
            return np.array([rule.fractions.get(choice, 0.0) for choice in choices.tolist()]) * top
        if rule.rule == Rule.COUNT:
            return np.where(np.isnan(value), 0.0, top * np.clip(value, 0.0, rule.cap) / rule.cap)
        if rule.rule == Rule.RATIO:
            numerator, denominator = stage.numerator[:, column], stage.denominator[:, column]
            missing = np.isnan(numerator) | np.isnan(denominator) | (denominator == 0)
            value = np.where(missing, np.nan, numerator / np.where(missing, 1.0, denominator) * 100)
        share = np.clip(value, 0.0, rule.target) / rule.target
        scores = top * (1 - share) if rule.inverted else top * share
        return np.where(np.isnan(value), 0.0, scores)


def _peer_scores(rule: LeafRule, value: Floats) -> tuple[Floats, float]:
    """One peer group's scores on a leaf whose rule compares units (`score_peer_group`), with a bound
    on their float error beyond the rounding of the arithmetic itself."""
    missing = np.isnan(value)
    present = value[~missing]
    top = rule.points
    zeros = np.zeros_like(value)
    if rule.rule == Rule.RELATIVE_TO_BEST:
        best = present.max(initial=0.0)
        if best <= 0:
            return zeros, 0.0
        return np.where(missing, 0.0, top * np.maximum(value, 0.0) / best), 0.0
    if rule.rule == Rule.MINMAX:
        low, high = (present.min(), present.max()) if present.size else (0.0, 0.0)
        if high == low:
            return np.where(missing | (value <= 0), 0.0, top), 0.0
        span = high - low
        scores = top * ((high - value) if rule.inverted else (value - low)) / span
        # The differences lose digits where the values are close together and far from 0.
        return np.where(missing, 0.0, scores), 1e-13 * top * (1 + max(abs(low), abs(high)) / span)
    # z-score
    if not present.size:
        return zeros, 0.0
    if present.min() == present.max():
        return np.where(missing, 0.0, top / 2), 0.0
    mean = present.mean()
    deviation = float(np.sqrt(np.mean((present - mean) ** 2)))
    if deviation == 0:
        # Distinct values whose spread underflows: only the exact engine can tell them apart.
        return np.where(missing, 0.0, top / 2), UNKNOWN_ERROR
    z = (value - mean) / deviation
    if rule.inverted:
        z = -z
    z = np.clip(z, -rule.bound, rule.bound)
    scores = top * (z + rule.bound) / (2 * rule.bound)
    conditioning = (np.abs(present).max() + abs(mean)) / deviation
    return np.where(missing, 0.0, scores), 1e-13 * top * (1 + conditioning)


def _uncertain(score: Floats, maxima: Floats, error: Floats) -> Flags:
    """The cells where rounding the float figures may give another result than rounding the exact ones.

    A figure is uncertain at a number of decimals when its error bound reaches a rounding boundary.
    Ranks and published values round the value at 4 decimals. Everything else shows a figure kept
    at 8 decimals (a result's score, a published score or value): that may differ from the exact
    figure kept at 8 by 1e-8 where it lies near a boundary at 8 decimals, which only matters where
    the 1e-8 reaches a boundary at a shown precision.
    """
    worth = maxima > 0
    # An unknown error bound (1e300) overflows once scaled: infinity reaches every boundary, as meant.
    with np.errstate(all="ignore"):
        safe = np.where(worth, maxima, 1.0)
        value = np.where(worth, score / safe, 0.0)
        value_error = np.where(worth, error / safe, 0.0)
        uncertain = worth & _near_boundary(value, RANKED_SCALE, value_error)
        kept = 1 / SCORE_SCALE
        score_kept = _near_boundary(score, SCORE_SCALE, error)
        value_kept = worth & _near_boundary(value, SCORE_SCALE, value_error)
        for scale in SHOWN_SCALES:
            uncertain |= score_kept & _near_boundary(score, scale, error + kept)
            uncertain |= score_kept & worth & _near_boundary(value, scale, value_error + kept / safe)
            uncertain |= value_kept & _near_boundary(value, scale, value_error + kept)
    return uncertain


def _near_boundary(figure: Floats, scale: float, error: Floats) -> Flags:
    """Whether `figure` rounded half up at 1/`scale` might round the other way if it moved by `error`."""
    scaled = figure * scale
    return np.abs(scaled - np.floor(scaled) - 0.5) <= error * scale


def score_campaign(framework: FrameworkSpec, units: Iterable[UnitInput]) -> Results:
    """Score every unit on every node and aggregate: {unit code: {node key or aggregate code: result}}."""
    layout = plan(framework)
    return score_stage(layout, StageValues.of(layout, list(units))).results()
