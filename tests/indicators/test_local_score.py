"""Scores of the rules that need only the unit's own answer (the live self-assessed score)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from indicators.rules import local_score

D = Decimal
LEVELS = {"levels": [{"label": "Hằng tuần", "fraction": "1"}, {"label": "Hằng tháng", "fraction": "0.5"}]}


@pytest.mark.parametrize(
    ("rule", "parameters", "answer", "expected"),
    [
        ("boolean", {}, {"value": D(1)}, D(2)),
        ("boolean", {}, {"value": D(0)}, D(0)),
        ("boolean", {}, {}, D(0)),
        ("percentage", {}, {"value": D("63.56")}, D("1.2712")),
        ("percentage", {}, {"value": D(150)}, D(2)),
        ("percentage", {"target": "80"}, {"value": D(40)}, D(1)),
        ("percentage", {"inverted": True}, {"value": D(25)}, D("1.5")),
        ("percentage", {}, {}, D(0)),
        ("ratio", {}, {"numerator": D(1), "denominator": D(4)}, D("0.5")),
        ("ratio", {}, {"numerator": D(1), "denominator": D(0)}, D(0)),
        ("count", {"cap": "10"}, {"value": D(5)}, D(1)),
        ("count", {"cap": "10"}, {"value": D(25)}, D(2)),
        ("levels", LEVELS, {"choice": "Hằng tháng"}, D(1)),
        ("levels", LEVELS, {"choice": "Ít hơn"}, D(0)),
        ("manual", {}, {"value": D("1.25")}, D("1.25")),
        ("manual", {}, {"value": D(7)}, D(2)),
    ],
)
def test_a_leaf_worth_two_points_scores(
    rule: str, parameters: dict[str, Any], answer: dict[str, Any], expected: Decimal
) -> None:
    assert local_score(rule, parameters, D(2), **answer) == expected


def test_a_ten_point_percentage_leaf_at_63_56_percent_scores_6_356() -> None:
    # seed 003 quotes 63.56 % on a 10-point leaf as 6.36 points, i.e. rounded for display
    assert local_score("percentage", {}, D(10), value=D("63.56")) == D("6.356")


@pytest.mark.parametrize("rule", ["relative_to_best", "minmax", "zscore"])
def test_peer_group_rules_are_left_to_the_campaign_computation(rule: str) -> None:
    assert local_score(rule, {}, D(5), value=D(3)) is None
