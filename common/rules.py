"""The scoring rules of the method: their names, their parameters, and the score of one unit's answer.

Plain Python, free of Django, so that the scoring engine and anything else that computes can run
without the web framework loaded. The words a person reads about a rule (its label, its
description, the problems with its parameters) live in `indicators.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any


class Rule(StrEnum):
    """How a leaf is scored; the values are what frameworks and the database store."""

    BOOLEAN = "boolean"
    PERCENTAGE = "percentage"
    RATIO = "ratio"
    COUNT = "count"
    LEVELS = "levels"
    RELATIVE_TO_BEST = "relative_to_best"
    MINMAX = "minmax"
    ZSCORE = "zscore"
    MANUAL = "manual"


class Direction(StrEnum):
    """Whether a larger value scores more points or fewer (an inverted leaf: a share of late files)."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class ParameterKind(StrEnum):
    """What a rule's parameter must hold."""

    POSITIVE = "positive"
    BOOL = "bool"
    LEVELS = "levels"


# For each rule, its parameters: name → (required, kind).
RULE_PARAMETERS: dict[Rule, dict[str, tuple[bool, ParameterKind]]] = {
    Rule.BOOLEAN: {},
    Rule.PERCENTAGE: {"target": (False, ParameterKind.POSITIVE), "inverted": (False, ParameterKind.BOOL)},
    Rule.RATIO: {"target": (False, ParameterKind.POSITIVE), "inverted": (False, ParameterKind.BOOL)},
    Rule.COUNT: {"cap": (True, ParameterKind.POSITIVE)},
    Rule.LEVELS: {"levels": (True, ParameterKind.LEVELS)},
    Rule.RELATIVE_TO_BEST: {},
    Rule.MINMAX: {"inverted": (False, ParameterKind.BOOL)},
    Rule.ZSCORE: {"bound": (False, ParameterKind.POSITIVE), "inverted": (False, ParameterKind.BOOL)},
    Rule.MANUAL: {},
}

# The rules that compare the units of a peer group: only a whole-campaign computation scores them.
PEER_GROUP_RULES = frozenset({Rule.RELATIVE_TO_BEST, Rule.MINMAX, Rule.ZSCORE})

DEFAULT_TARGET = Decimal(100)
DEFAULT_ZSCORE_BOUND = Decimal(3)


def input_fields(rule: str) -> tuple[str, ...]:
    """The fields of an answer a rule reads: numerator and denominator, a level's choice, or a value."""
    if rule == Rule.RATIO:
        return ("numerator", "denominator")
    if rule == Rule.LEVELS:
        return ("choice",)
    return ("value",)


def described_parameters(rule: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """A leaf's rule parameters as a program reads them: every level with a `key` (its place, "1" first,
    which an answer may send as its choice instead of the label), the target or cap with its default
    applied, and the direction for the rules that compare a number."""
    if rule == Rule.LEVELS:
        levels = parameters.get("levels", [])
        return {"levels": [{"key": str(place), "label": level["label"], "fraction": parse_decimal(level["fraction"])}
                           for place, level in enumerate(levels, start=1)]}  # fmt: skip
    direction = Direction.LOWER_IS_BETTER if parameters.get("inverted") else Direction.HIGHER_IS_BETTER
    if rule in (Rule.PERCENTAGE, Rule.RATIO):
        return {"target": parse_decimal(parameters.get("target", DEFAULT_TARGET)), "direction": direction}
    if rule == Rule.COUNT:
        return {"cap": parse_decimal(parameters["cap"]), "direction": Direction.HIGHER_IS_BETTER}
    if rule == Rule.ZSCORE:
        return {"bound": parse_decimal(parameters.get("bound", DEFAULT_ZSCORE_BOUND)), "direction": direction}
    if rule in (Rule.MINMAX, Rule.RELATIVE_TO_BEST):
        return {"direction": direction}
    return {}


def level_label(parameters: Mapping[str, Any], choice: str) -> str:
    """The level a choice names: a level's key ("2", its place) reads as its label; anything else is
    returned as it is, for the rule's check to accept or refuse. A label wins over a key ("2" is the
    level labelled "2" where there is one)."""
    levels = parameters.get("levels", [])
    if any(level["label"] == choice for level in levels):
        return choice
    if choice.isascii() and choice.isdigit() and 1 <= int(choice) <= len(levels):
        return str(levels[int(choice) - 1]["label"])
    return choice


def parse_decimal(value: Any) -> Decimal | None:
    """A parameter as a finite Decimal; None for anything else (booleans included: true is not 1 point)."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def local_score(
    rule: str,
    parameters: Mapping[str, Any],
    max_points: Decimal,
    *,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    choice: str = "",
) -> Decimal | None:
    """Score one unit's answer to a leaf by a rule that needs no other unit, unrounded.

    Returns 0 for a missing answer (the method's default) and None for the peer-group rules
    (relative to best, min-max, z-score), which only a whole-campaign computation can score.
    """
    zero = Decimal(0)
    if rule in PEER_GROUP_RULES:
        return None
    if rule == Rule.BOOLEAN:
        return max_points if value is not None and value != 0 else zero
    if rule == Rule.MANUAL:
        return zero if value is None else min(max(value, zero), max_points)
    if rule == Rule.LEVELS:
        fractions = {level["label"]: parse_decimal(level["fraction"]) for level in parameters.get("levels", [])}
        return max_points * (fractions.get(choice) or zero)
    if rule == Rule.COUNT:
        cap = parse_decimal(parameters["cap"]) or Decimal(1)
        return zero if value is None else max_points * min(max(value, zero), cap) / cap
    if rule == Rule.RATIO:
        if numerator is None or not denominator:
            return zero
        value = numerator / denominator * 100
    if rule in (Rule.PERCENTAGE, Rule.RATIO):
        if value is None:
            return zero
        target = parse_decimal(parameters.get("target", DEFAULT_TARGET)) or DEFAULT_TARGET
        share = min(max(value, zero), target) / target
        return max_points * (1 - share if parameters.get("inverted") else share)
    raise ValueError(f"Unknown rule {rule!r}")


def points_lost(self_score: Decimal | None, later_score: Decimal | None) -> Decimal:
    """Points the appraisal took from the unit's own assessment of a leaf or an index: the self-assessed
    score minus the score at a later stage (negative where the appraisal raised it). A missing score
    counts as 0, as the method scores a missing value.

    The one definition: the unit's page, the API and the points-lost report and its exports use it.
    """
    return (self_score or Decimal(0)) - (later_score or Decimal(0))
