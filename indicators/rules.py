"""Scoring rules in words: their labels, the problems with a leaf's parameters, and a sentence for the public.

The rules themselves (names, parameters, the score of one answer) are plain Python in
`common.rules`, so the engine runs without Django; they are re-exported here for the apps.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.formatting import format_number
from common.rules import (
    DEFAULT_TARGET,
    DEFAULT_ZSCORE_BOUND,
    PEER_GROUP_RULES,
    RULE_PARAMETERS,
    ParameterKind,
    Rule,
    local_score,
    parse_decimal,
)

__all__ = [
    "DEFAULT_TARGET",
    "DEFAULT_ZSCORE_BOUND",
    "PEER_GROUP_RULES",
    "RULE_CHOICES",
    "RULE_LABELS",
    "RULE_PARAMETERS",
    "Rule",
    "describe_rule",
    "local_score",
    "validate_rule",
]

RULE_LABELS: dict[Rule, Promise] = {
    Rule.BOOLEAN: gettext_lazy("Có/Không"),
    Rule.PERCENTAGE: gettext_lazy("Tỷ lệ %"),
    Rule.RATIO: gettext_lazy("Tử số/mẫu số"),
    Rule.COUNT: gettext_lazy("Số lượng"),
    Rule.LEVELS: gettext_lazy("Theo mức"),
    Rule.RELATIVE_TO_BEST: gettext_lazy("So với đơn vị cao nhất"),
    Rule.MINMAX: gettext_lazy("Chuẩn hóa Min-Max"),
    Rule.ZSCORE: gettext_lazy("Chuẩn hóa Z-score"),
    Rule.MANUAL: gettext_lazy("Chấm điểm trực tiếp"),
}

# The rules as a model field's or a form's choices, in the order of `Rule`; a rule without a label
# fails here, at import.
RULE_CHOICES: list[tuple[str, Promise]] = [(rule.value, RULE_LABELS[rule]) for rule in Rule]


def validate_rule(rule: str, parameters: dict[str, Any]) -> list[str]:
    """Return the problems with a leaf's rule and parameters, in Vietnamese; [] when valid."""
    if rule not in RULE_PARAMETERS:
        return [_("Quy tắc tính điểm “%(rule)s” không tồn tại.") % {"rule": rule}]
    if not isinstance(parameters, dict):
        return [_("Tham số phải là một đối tượng JSON.")]
    expected = RULE_PARAMETERS[Rule(rule)]
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
        if kind == ParameterKind.POSITIVE:
            number = parse_decimal(value)
            if number is None or number <= 0:
                problems.append(_("Tham số “%(name)s” phải là số dương.") % {"name": name})
        elif kind == ParameterKind.BOOL and not isinstance(value, bool):
            problems.append(_("Tham số “%(name)s” phải là true hoặc false.") % {"name": name})
        elif kind == ParameterKind.LEVELS:
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
        fraction = parse_decimal(level.get("fraction"))
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
        target = _number(parse_decimal(parameters.get("target", DEFAULT_TARGET)) or DEFAULT_TARGET)
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
        cap = _number(parse_decimal(parameters.get("cap")) or Decimal(0))
        return _("Số lượng: đạt %(cap)s trở lên được tối đa %(points)s điểm, thấp hơn tính theo tỷ lệ.") % {
            "cap": cap,
            "points": points,
        }
    if rule == Rule.LEVELS:
        top = max_points or Decimal(0)
        bands = "; ".join(
            f"{level['label']}: {_number((parse_decimal(level['fraction']) or Decimal(0)) * top)}"
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
        bound = _number(parse_decimal(parameters.get("bound", DEFAULT_ZSCORE_BOUND)) or DEFAULT_ZSCORE_BOUND)
        return _("Chuẩn hóa Z-score trong nhóm (giới hạn ±%(bound)s), quy về thang 0–%(points)s điểm.") % {
            "bound": bound,
            "points": points,
        }
    if rule == Rule.MANUAL:
        return _("Chấm điểm trực tiếp, tối đa %(points)s điểm.") % {"points": points}
    return ""
