"""Scoring rules as the framework declares them: which parameters each takes, and in words.

The rules are computed by the scoring engine; here they are only named, validated and explained,
so that a framework can be checked on load and shown to the public.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.formatting import format_number


class Rule(models.TextChoices):
    BOOLEAN = "boolean", gettext_lazy("Có/Không")
    PERCENTAGE = "percentage", gettext_lazy("Tỷ lệ %")
    RATIO = "ratio", gettext_lazy("Tử số/mẫu số")
    COUNT = "count", gettext_lazy("Số lượng")
    LEVELS = "levels", gettext_lazy("Theo mức")
    RELATIVE_TO_BEST = "relative_to_best", gettext_lazy("So với đơn vị cao nhất")
    MINMAX = "minmax", gettext_lazy("Chuẩn hóa Min-Max")
    ZSCORE = "zscore", gettext_lazy("Chuẩn hóa Z-score")
    MANUAL = "manual", gettext_lazy("Chấm điểm trực tiếp")


# For each rule, its parameters: name → (required, kind). Kinds: "positive", "bool", "levels".
RULE_PARAMETERS: dict[str, dict[str, tuple[bool, str]]] = {
    Rule.BOOLEAN: {},
    Rule.PERCENTAGE: {"target": (False, "positive"), "inverted": (False, "bool")},
    Rule.RATIO: {"target": (False, "positive"), "inverted": (False, "bool")},
    Rule.COUNT: {"cap": (True, "positive")},
    Rule.LEVELS: {"levels": (True, "levels")},
    Rule.RELATIVE_TO_BEST: {},
    Rule.MINMAX: {"inverted": (False, "bool")},
    Rule.ZSCORE: {"bound": (False, "positive"), "inverted": (False, "bool")},
    Rule.MANUAL: {},
}

DEFAULT_TARGET = Decimal(100)
DEFAULT_ZSCORE_BOUND = Decimal(3)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def validate_rule(rule: str, parameters: dict[str, Any]) -> list[str]:
    """Return the problems with a leaf's rule and parameters, in Vietnamese; [] when valid."""
    if rule not in RULE_PARAMETERS:
        return [_("Quy tắc tính điểm “%(rule)s” không tồn tại.") % {"rule": rule}]
    if not isinstance(parameters, dict):
        return [_("Tham số phải là một đối tượng JSON.")]
    expected = RULE_PARAMETERS[rule]
    problems = [
        _("Tham số “%(name)s” không dùng cho quy tắc %(rule)s.") % {"name": name, "rule": rule}
        for name in parameters
        if name not in expected
    ]
    for name, (required, kind) in expected.items():
        if name not in parameters:
            if required:
                problems.append(_("Quy tắc %(rule)s cần tham số “%(name)s”.") % {"rule": rule, "name": name})
            continue
        value = parameters[name]
        if kind == "positive":
            number = _decimal(value)
            if number is None or number <= 0:
                problems.append(_("Tham số “%(name)s” phải là số dương.") % {"name": name})
        elif kind == "bool" and not isinstance(value, bool):
            problems.append(_("Tham số “%(name)s” phải là true hoặc false.") % {"name": name})
        elif kind == "levels":
            problems.extend(_validate_levels(value))
    return problems


def _validate_levels(levels: Any) -> list[str]:
    if not isinstance(levels, list) or not levels:
        return [_("Tham số “levels” phải là danh sách các mức {“label”, “fraction”}.")]
    problems = []
    labels = set()
    for position, level in enumerate(levels, start=1):
        if not isinstance(level, dict) or not str(level.get("label", "")).strip():
            problems.append(_("Mức %(n)s thiếu nhãn (“label”).") % {"n": position})
            continue
        fraction = _decimal(level.get("fraction"))
        if fraction is None or not Decimal(0) <= fraction <= Decimal(1):
            problems.append(_("Mức “%(label)s”: “fraction” phải từ 0 đến 1.") % {"label": level["label"]})
        if level["label"] in labels:
            problems.append(_("Mức “%(label)s” bị trùng.") % {"label": level["label"]})
        labels.add(level["label"])
    return problems


def _number(value: Decimal) -> str:
    return format_number(value)


def describe_rule(rule: str, parameters: dict[str, Any], max_points: Decimal | None) -> str:
    """Explain a leaf's rule in one sentence for the public, e.g. "Tỷ lệ %: đạt 100 % được tối đa 2 điểm"."""
    points = _number(max_points) if max_points is not None else "?"
    if rule == Rule.BOOLEAN:
        return _("Có/Không: có được %(points)s điểm, không được 0 điểm.") % {"points": points}
    if rule in (Rule.PERCENTAGE, Rule.RATIO):
        target = _number(_decimal(parameters.get("target", DEFAULT_TARGET)) or DEFAULT_TARGET)
        prefix = _("Tỷ lệ %") if rule == Rule.PERCENTAGE else _("Tử số/mẫu số (tính theo %)")
        if parameters.get("inverted"):
            return _(
                "%(prefix)s, càng thấp càng tốt: 0 %% được tối đa %(points)s điểm, "
                "từ %(target)s %% trở lên được 0 điểm."
            ) % {
                "prefix": prefix,
                "points": points,
                "target": target,
            }
        return _("%(prefix)s: đạt %(target)s %% được tối đa %(points)s điểm, thấp hơn tính theo tỷ lệ.") % {
            "prefix": prefix,
            "points": points,
            "target": target,
        }
    if rule == Rule.COUNT:
        cap = _number(_decimal(parameters.get("cap")) or Decimal(0))
        return _("Số lượng: đạt %(cap)s trở lên được tối đa %(points)s điểm, thấp hơn tính theo tỷ lệ.") % {
            "cap": cap,
            "points": points,
        }
    if rule == Rule.LEVELS:
        bands = "; ".join(
            f"{level['label']}: {_number((_decimal(level['fraction']) or Decimal(0)) * (max_points or Decimal(0)))}"
            for level in parameters.get("levels", [])
        )
        return _("Theo mức (điểm tối đa %(points)s): %(bands)s.") % {"points": points, "bands": bands}
    if rule == Rule.RELATIVE_TO_BEST:
        return _("So với đơn vị cao nhất trong nhóm: đơn vị cao nhất được %(points)s điểm, đơn vị khác theo tỷ lệ.") % {
            "points": points
        }
    if rule == Rule.MINMAX:
        return _("Chuẩn hóa Min-Max trong nhóm, quy về thang 0–%(points)s điểm.") % {"points": points}
    if rule == Rule.ZSCORE:
        bound = _number(_decimal(parameters.get("bound", DEFAULT_ZSCORE_BOUND)) or DEFAULT_ZSCORE_BOUND)
        return _("Chuẩn hóa Z-score trong nhóm (giới hạn ±%(bound)s), quy về thang 0–%(points)s điểm.") % {
            "bound": bound,
            "points": points,
        }
    if rule == Rule.MANUAL:
        return _("Chấm điểm trực tiếp, tối đa %(points)s điểm.") % {"points": points}
    return ""


PEER_GROUP_RULES = frozenset({Rule.RELATIVE_TO_BEST, Rule.MINMAX, Rule.ZSCORE})


def local_score(
    rule: str,
    parameters: dict[str, Any],
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
        fractions = {level["label"]: _decimal(level["fraction"]) for level in parameters.get("levels", [])}
        return max_points * (fractions.get(choice) or zero)
    if rule == Rule.COUNT:
        cap = _decimal(parameters["cap"]) or Decimal(1)
        return zero if value is None else max_points * min(max(value, zero), cap) / cap
    if rule == Rule.RATIO:
        if numerator is None or not denominator:
            return zero
        value = numerator / denominator * 100
    if rule in (Rule.PERCENTAGE, Rule.RATIO):
        if value is None:
            return zero
        target = _decimal(parameters.get("target", DEFAULT_TARGET)) or DEFAULT_TARGET
        share = min(max(value, zero), target) / target
        return max_points * (1 - share if parameters.get("inverted") else share)
    raise ValueError(f"Unknown rule {rule!r}")
