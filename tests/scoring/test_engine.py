"""The scoring engine on plain data: every rule at its boundaries, peer groups, aggregation."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import (
    FrameworkSpec,
    LeafValue,
    NodeResult,
    NodeSpec,
    UnitInput,
    aggregate_main_values,
    score_campaign,
    score_exact,
    score_leaf,
    score_peer_group,
)

D = Decimal


def leaf(rule: str, points: str = "10", **parameters: object) -> NodeSpec:
    return NodeSpec(key="x", parent=None, max_points=D(points), rule=rule, parameters=parameters)


def rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- The examples seed 003 quotes ---------------------------------------------------------------


def test_a_63_56_percent_share_on_a_10_point_leaf_scores_6_36() -> None:
    score = score_leaf(leaf("percentage", "10"), LeafValue(value=D("63.56")))

    assert score == D("6.356")
    assert rounded(score, 2) == D("6.36")


def test_1000_of_910261_workers_trained_on_a_5_point_ratio_leaf_scores_0_005() -> None:
    score = score_leaf(leaf("ratio", "5"), LeafValue(numerator=D(1000), denominator=D(910261)))

    assert rounded(score, 3) == D("0.005")
    assert rounded(D(1000) / D(910261) * 100, 2) == D("0.11")  # "đạt 0.11%"


# --- Rules that need no other unit ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "0"), ("0", "0"), ("1", "4")],
)
def test_boolean_gives_the_max_for_yes_only(value: str | None, expected: str) -> None:
    answer = LeafValue(value=None if value is None else D(value))

    assert score_leaf(leaf("boolean", "4"), answer) == D(expected)


@pytest.mark.parametrize(
    ("parameters", "value", "expected"),
    [
        ({}, "0", "0"),
        ({}, "50", "5"),
        ({}, "100", "10"),
        ({"target": "80"}, "80", "10"),
        ({"target": "80"}, "95", "10"),
        ({"target": "80"}, "40", "5"),
        ({"inverted": True}, "0", "10"),
        ({"inverted": True}, "25", "7.5"),
        ({"inverted": True, "target": "20"}, "30", "0"),
    ],
)
def test_percentage_is_linear_to_its_target_and_capped(parameters: dict, value: str, expected: str) -> None:
    assert score_leaf(leaf("percentage", "10", **parameters), LeafValue(value=D(value))) == D(expected)


def test_a_missing_value_scores_zero_by_default() -> None:
    assert score_leaf(leaf("percentage"), None) == 0
    assert score_leaf(leaf("count", cap="20"), LeafValue()) == 0


def test_a_zero_denominator_scores_zero_instead_of_failing() -> None:
    assert score_leaf(leaf("ratio"), LeafValue(numerator=D(0), denominator=D(0))) == 0


@pytest.mark.parametrize(("value", "expected"), [("0", "0"), ("5", "2.5"), ("20", "10"), ("35", "10")])
def test_count_is_linear_to_its_cap(value: str, expected: str) -> None:
    assert score_leaf(leaf("count", cap="20"), LeafValue(value=D(value))) == D(expected)


@pytest.mark.parametrize(("choice", "expected"), [("Hằng tuần", "2"), ("Hằng tháng", "1"), ("", "0")])
def test_levels_give_their_fraction_of_the_max(choice: str, expected: str) -> None:
    bands = [{"label": "Hằng tuần", "fraction": "1"}, {"label": "Hằng tháng", "fraction": "0.5"}]

    assert score_leaf(leaf("levels", "2", levels=bands), LeafValue(choice=choice)) == D(expected)


@pytest.mark.parametrize(("value", "expected"), [("-1", "0"), ("3.5", "3.5"), ("12", "10")])
def test_a_manual_score_is_kept_within_zero_and_the_max(value: str, expected: str) -> None:
    assert score_leaf(leaf("manual"), LeafValue(value=D(value))) == D(expected)


# --- Rules that compare the units of a peer group -----------------------------------------------


def values(*numbers: str | None) -> list[LeafValue | None]:
    return [None if number is None else LeafValue(value=D(number)) for number in numbers]


def test_relative_to_best_gives_the_best_the_max_and_ties_share_it() -> None:
    assert score_peer_group(leaf("relative_to_best"), values("50", "100", "100", None)) == [
        D(5), D(10), D(10), D(0),
    ]  # fmt: skip


def test_relative_to_best_gives_zero_when_every_unit_has_zero() -> None:
    assert score_peer_group(leaf("relative_to_best"), values("0", "0", None)) == [D(0), D(0), D(0)]


def test_minmax_spreads_the_group_over_zero_to_max() -> None:
    assert score_peer_group(leaf("minmax"), values("10", "20", "30")) == [D(0), D(5), D(10)]
    assert score_peer_group(leaf("minmax", inverted=True), values("10", "20", "30")) == [D(10), D(5), D(0)]


def test_minmax_of_equal_values_gives_the_points_only_for_a_positive_value() -> None:
    assert score_peer_group(leaf("minmax"), values("7", "7")) == [D(10), D(10)]
    assert score_peer_group(leaf("minmax"), values("0", "0")) == [D(0), D(0)]


def test_zscore_is_clipped_at_its_bound_and_mapped_to_zero_to_max() -> None:
    scores = score_peer_group(leaf("zscore", bound="1"), values("0", "50", "100", None))

    # mean 50, population deviation 40.82: z = -1.22 (clipped to -1), 0, +1.22 (clipped to 1)
    assert scores == [D(0), D(5), D(10), D(0)]


def test_zscore_of_equal_values_puts_everyone_in_the_middle() -> None:
    assert score_peer_group(leaf("zscore"), values("3", "3")) == [D(5), D(5)]


# --- The tree, peer groups, exclusions and aggregates -------------------------------------------


def small_framework(*, excluded: frozenset[str] = frozenset()) -> FrameworkSpec:
    nodes = (
        NodeSpec("1", None, D(30)),
        NodeSpec("1.1", "1", D(10), rule="boolean"),
        NodeSpec("1.2", "1", D(20), rule="relative_to_best"),
        NodeSpec("2", None, D(20)),
        NodeSpec("2.1", "2", D(20), rule="percentage", not_applicable_groups=frozenset({"no_public_services"})),
        NodeSpec("3", None, D(0)),
        NodeSpec("3.1", "3", D(0), rule="boolean"),
    )
    return FrameworkSpec(nodes=nodes, aggregates={"DTI": ("1", "2", "3"), "A": ("1",)}, excluded=excluded)


UNITS = [
    UnitInput("BTC", "public_services", {"1.1": LeafValue(D(1)), "1.2": LeafValue(D(40)), "2.1": LeafValue(D(50))}),
    UnitInput("BYT", "public_services", {"1.2": LeafValue(D(80)), "2.1": LeafValue(D(100))}),
    UnitInput("BNG", "no_public_services", {"1.1": LeafValue(D(1)), "1.2": LeafValue(D(10))}),
]


def test_parents_and_aggregates_sum_their_parts() -> None:
    results = score_campaign(small_framework(), UNITS)

    assert results["BTC"]["1"] == NodeResult(D(20), D(30))  # 10 + 20 × 40/80
    assert results["BTC"]["DTI"] == NodeResult(D(30), D(50))
    assert results["BTC"]["DTI"].value == D("0.6")
    assert results["BTC"]["A"] == NodeResult(D(20), D(30))


def test_relative_to_best_compares_within_the_peer_group_only() -> None:
    results = score_campaign(small_framework(), UNITS)

    assert results["BYT"]["1.2"].score == D(20)
    assert results["BNG"]["1.2"].score == D(20)  # alone in its group, it is its own best


def test_a_leaf_not_applicable_to_a_group_leaves_its_score_and_max() -> None:
    results = score_campaign(small_framework(), UNITS)

    assert results["BNG"]["2"] == NodeResult(D(0), D(0))
    assert results["BNG"]["DTI"] == NodeResult(D(30), D(30))


def test_an_excluded_leaf_counts_for_no_one() -> None:
    results = score_campaign(small_framework(excluded=frozenset({"1.1"})), UNITS)

    assert {code: results[code]["DTI"].max_points for code in results} == {"BTC": D(40), "BYT": D(40), "BNG": D(20)}
    assert results["BTC"]["DTI"] == NodeResult(D(20), D(40))


def test_a_main_index_worth_nothing_has_no_value() -> None:
    results = score_campaign(small_framework(), UNITS)

    assert results["BTC"]["3"] == NodeResult(D(0), D(0))
    assert results["BTC"]["3"].value is None


def test_aggregating_published_main_index_values_weights_them_by_points() -> None:
    points = {"1": D(100), "2": D(100), "7": D(200)}

    results = aggregate_main_values(points, {"DTI": ("1", "2", "7"), "CQS": ("1", "2", "7")},
                                    {"1": D("0.5"), "2": D("0.7"), "7": D("0.4")})  # fmt: skip

    assert results["DTI"] == NodeResult(D(200), D(400))
    assert results["DTI"].value == D("0.5")


# --- Properties ---------------------------------------------------------------------------------

numbers = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
maybe_numbers = st.none() | numbers
RULES: list[tuple[str, dict[str, Any]]] = [
    ("boolean", {}),
    ("percentage", {}),
    ("percentage", {"inverted": True, "target": "50"}),
    ("count", {"cap": "30"}),
    ("manual", {}),
    ("relative_to_best", {}),
    ("minmax", {}),
    ("minmax", {"inverted": True}),
    ("zscore", {"bound": "2"}),
]


@settings(max_examples=150, deadline=None)
@given(rule_index=st.integers(0, len(RULES) - 1), group=st.lists(maybe_numbers, min_size=1, max_size=12),
       points=st.decimals(min_value=0, max_value=50, places=1))  # fmt: skip
def test_every_score_lies_within_zero_and_the_max(rule_index: int, group: list, points: Decimal) -> None:
    rule, parameters = RULES[rule_index]
    node = NodeSpec("x", None, points, rule=rule, parameters=parameters)
    answers = [None if value is None else LeafValue(value=min(value, D(1)) if rule == "boolean" else value)
               for value in group]  # fmt: skip
    if rule in ("relative_to_best", "minmax", "zscore"):
        scores = score_peer_group(node, answers)
    else:
        scores = [score_leaf(node, answer) for answer in answers]

    assert all(D(0) <= score <= points for score in scores)


@settings(max_examples=100, deadline=None)
@given(rule_index=st.integers(1, 7), low=numbers, high=numbers, others=st.lists(numbers, max_size=6))
def test_a_higher_value_never_scores_lower_unless_the_rule_is_inverted(
    rule_index: int, low: Decimal, high: Decimal, others: list
) -> None:
    rule, parameters = RULES[rule_index]
    low, high = min(low, high), max(low, high)
    node = NodeSpec("x", None, D(10), rule=rule, parameters=parameters)
    if rule in ("relative_to_best", "minmax", "zscore"):
        scores = score_peer_group(node, values(*(str(v) for v in [low, high, *others])))
        score_low, score_high = scores[0], scores[1]
    else:
        score_low, score_high = (score_leaf(node, LeafValue(value=v)) for v in (low, high))

    if parameters.get("inverted"):
        assert score_low >= score_high
    else:
        assert score_low <= score_high


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["public_services", "no_public_services"]), maybe_numbers,
                          maybe_numbers, maybe_numbers), min_size=1, max_size=8))  # fmt: skip
def test_aggregates_equal_the_sum_of_their_parts_and_recomputing_changes_nothing(rows: list) -> None:
    units = []
    for n, (group, a, b, c) in enumerate(rows):
        given_values = zip(("1.1", "1.2", "2.1"), (min(a or D(0), D(1)), b, c), strict=True)
        units.append(UnitInput(f"U{n}", group, {key: LeafValue(value=v) for key, v in given_values}))
    framework = small_framework()

    for engine in (score_campaign, score_exact):
        first = engine(framework, units)
        second = engine(framework, units)

        assert first == second
        # Exact in Decimal; in floats, to far below the 8 decimals results are kept at.
        tolerance = D(0) if engine is score_exact else D("1e-12")
        for unit_results in first.values():
            parts = [unit_results[key] for key in ("1", "2", "3")]
            assert abs(unit_results["DTI"].score - sum(p.score for p in parts)) <= tolerance
            assert unit_results["DTI"].max_points == sum(p.max_points for p in parts)
            parts = [unit_results["1.1"], unit_results["1.2"]]
            assert abs(unit_results["1"].score - sum(p.score for p in parts)) <= tolerance
