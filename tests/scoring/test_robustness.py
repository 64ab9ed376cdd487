"""The rank bands on tables small enough to check by hand: where no choice of weights or mean can change a
rank the band is the rank itself, a unit far ahead stays first in every scenario, and the same seed gives
the same figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.robustness import (
    GEOMETRIC_FLOOR,
    arithmetic,
    competition_ranks,
    geometric,
    method,
    rank_bands,
    scenario_scores,
)

# Three main indices worth 20, 30 and 50 points: official weights 0.2, 0.3 and 0.5.
POINTS = [20.0, 30.0, 50.0]


def test_units_whose_main_indices_are_all_equal_keep_their_rank_as_their_whole_band() -> None:
    # Each unit's index is its one value whatever the weights and whichever mean.
    values = [[0.9, 0.9, 0.9], [0.5, 0.5, 0.5], [0.7, 0.7, 0.7], [0.5, 0.5, 0.5]]

    bands = rank_bands(values, POINTS, seed=1)

    assert bands.rank.tolist() == [1, 3, 2, 3]
    assert bands.median.tolist() == [1, 3, 2, 3]
    assert bands.p05.tolist() == [1, 3, 2, 3]
    assert bands.p95.tolist() == [1, 3, 2, 3]


def test_units_each_ahead_of_the_next_in_every_main_index_keep_their_ranks_in_every_scenario() -> None:
    values = [[0.3, 0.2, 0.4], [0.8, 0.7, 0.9], [0.5, 0.6, 0.5]]

    bands = rank_bands(values, POINTS, seed=2)

    assert bands.rank.tolist() == [3, 1, 2]
    assert np.all(bands.scenarios == [3, 1, 2])
    assert (bands.p05.tolist(), bands.p95.tolist()) == ([3, 1, 2], [3, 1, 2])


def test_a_unit_far_ahead_is_first_in_every_draw_while_the_others_change_places() -> None:
    # B leads on the heavy index, C on the light ones: drawn weights swap them, never A.
    values = [[0.95, 0.95, 0.95], [0.2, 0.3, 0.6], [0.6, 0.6, 0.3]]

    bands = rank_bands(values, POINTS, seed=3)

    assert bands.scenarios.shape == (1002, 3)
    assert np.all(bands.scenarios[:, 0] == 1)
    assert set(bands.scenarios[:, 1].tolist()) == {2, 3}
    assert (bands.rank[0], bands.median[0], bands.p05[0], bands.p95[0]) == (1, 1, 1, 1)


def test_the_official_rank_is_the_arithmetic_mean_weighted_by_points_and_equal_weights_can_reverse_it() -> None:
    # A: 0.2·1 + 0.3·0 + 0.5·0.6 = 0.5; B: 0.2·0 + 0.3·0.5 + 0.5·0.6 = 0.45; equal weights: A 0.5333, B 0.3667.
    # Geometric (floor 0.01): A = 0.01^0.3 · 0.6^0.5 = 0.1946, B = 0.01^0.2 · 0.5^0.3 · 0.6^0.5 = 0.2505.
    values = [[1.0, 0.0, 0.6], [0.0, 0.5, 0.6]]

    bands = rank_bands(values, POINTS, seed=4)

    assert bands.rank.tolist() == [1, 2]
    assert bands.scenarios[-2].tolist() == [1, 2]  # equal weights
    assert bands.scenarios[-1].tolist() == [2, 1]  # the geometric mean: A's zero counts as 0.01


def test_the_geometric_mean_counts_a_zero_as_the_floor() -> None:
    means = geometric(np.array([[0.0, 0.64]]), np.array([1.0, 1.0]))

    assert means[0] == pytest.approx(math.sqrt(GEOMETRIC_FLOOR * 0.64))
    assert means[0] == pytest.approx(0.08)


def test_a_missing_main_index_leaves_its_weight_out_as_the_official_rule_does() -> None:
    values = np.array([[0.4, math.nan, 0.8]])

    assert arithmetic(values, np.array(POINTS))[0] == pytest.approx((0.2 * 0.4 + 0.5 * 0.8) / 0.7)


def test_ranks_are_taken_at_four_decimals_half_up_with_shared_ranks_and_skips() -> None:
    # 0.64185 rounds up to 0.6419 (ties 0.6419); 0.03125 lies exactly on a boundary and rounds up to 0.0313.
    scores = np.array([0.6419, 0.64185, 0.6418, 0.03125, 0.0313, 0.0312])

    assert competition_ranks(scores).tolist() == [1, 1, 3, 4, 4, 6]


def test_each_weight_is_drawn_within_the_spread_of_its_official_value() -> None:
    values = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])

    scores = scenario_scores(values, np.array(POINTS), seed=5, draws=200, spread=0.25)

    # With one value of 1 per unit, a unit's index is its main index's renormalised weight.
    drawn = scores[:200]
    assert np.allclose(drawn.sum(axis=1), 1.0)
    low, high = 0.2 * 0.75 / (0.2 * 0.75 + 0.8 * 1.25), 0.2 * 1.25 / (0.2 * 1.25 + 0.8 * 0.75)
    assert np.all((low <= drawn[:, 0]) & (drawn[:, 0] <= high))
    assert scores[200].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_the_same_seed_gives_the_same_bands_and_another_seed_other_draws() -> None:
    rng = np.random.default_rng(2021)
    values = rng.random((20, 3))

    first, again, other = (rank_bands(values, POINTS, seed=seed) for seed in (7, 7, 8))

    assert np.array_equal(first.scenarios, again.scenarios)
    assert [first.median.tolist(), first.p05.tolist(), first.p95.tolist()] == [
        again.median.tolist(),
        again.p05.tolist(),
        again.p95.tolist(),
    ]
    assert not np.array_equal(first.scenarios, other.scenarios)


def test_the_percentiles_are_ranks_some_scenario_gave_with_at_least_90_percent_inside_the_band() -> None:
    rng = np.random.default_rng(63)
    values = rng.random((63, 8))

    bands = rank_bands(values, rng.integers(1, 6, 8), seed=9)

    for unit in range(63):
        column = bands.scenarios[:, unit]
        assert {bands.p05[unit], bands.median[unit], bands.p95[unit]} <= set(column.tolist())
        assert bands.p05[unit] <= bands.median[unit] <= bands.p95[unit]
        inside = np.mean((bands.p05[unit] <= column) & (column <= bands.p95[unit]))
        assert inside >= 0.9
        # p05 is the smallest rank reached or beaten in at least 5 % of the scenarios.
        assert np.mean(column <= bands.p05[unit]) >= 0.05 > np.mean(column < bands.p05[unit])


def test_the_method_names_its_parameters_and_the_pooled_scenarios() -> None:
    described = method(seed=42)

    assert described == {
        "draws": 1000,
        "spread": 0.25,
        "seed": 42,
        "alternatives": [
            {"code": "weights_drawn", "scenarios": 1000},
            {"code": "equal_weights", "scenarios": 1},
            {"code": "geometric_mean", "scenarios": 1, "floor": 0.01},
        ],
        "scenarios": 1002,
        "percentiles": [5, 50, 95],
        "percentile_method": "inverted_cdf",
        "places": 4,
    }


@pytest.mark.parametrize(
    ("values", "weights", "reason"),
    [
        ([], POINTS, "non-empty"),
        ([[0.5, 0.5, 0.5]], [-1.0, 1.0, 1.0], "non-negative"),
        ([[math.nan, math.nan, 0.5]], [1.0, 1.0, 0.0], "every unit needs a value of positive weight"),
    ],
)
def test_a_table_without_units_negative_weights_or_a_unit_with_nothing_to_weigh_is_refused(
    values: list[list[float]], weights: list[float], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        rank_bands(values, weights, seed=1)
