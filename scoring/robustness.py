"""How much each rank depends on the method's choices: plain arrays in, plain arrays out, no Django.

One ranking table (the units of one peer group in one published year) is ranked again under the
alternatives the method leaves open (an uncertainty analysis as the JRC/OECD handbook on composite
indicators describes it):

- `WEIGHTS_DRAWN`: `draws` sets of main-index weights, each official weight multiplied by its own
  factor drawn uniformly from [1 - spread, 1 + spread], then renormalised;
- `EQUAL_WEIGHTS`: every main index weighs the same;
- `GEOMETRIC_MEAN`: the weighted geometric mean of the main-index values with the official weights,
  instead of the arithmetic one. A value of 0 would make a geometric mean 0 whatever the other
  indices, so a value below `GEOMETRIC_FLOOR` (0.01) counts as 0.01.

The official index is the arithmetic mean of the main-index values weighted by each main index's
max points over their total (sum of scores over sum of maxima). Weights are renormalised over the
main indices a unit has a value for, as the official rule leaves out a main index worth nothing.

Every scenario ranks as the official tables do: the index rounded half up at `places` decimals,
highest first, equal values sharing a rank (1 + the number of units strictly ahead). The draws and
the two single alternatives are pooled (1 002 scenarios by default), and each unit's median, 5th
and 95th percentile rank are taken by the inverted empirical distribution function (numpy's
"inverted_cdf"): the smallest rank r that the unit reaches or beats in at least 5 %, 50 %, 95 % of
the scenarios. So every figure is a rank some scenario actually gave, and the band from p05 to p95
holds at least 90 % of the scenarios.

Reproducible: the weight factors come from numpy's PCG64 generator seeded with `seed`, read
through `Generator.random` only (its stream is the bit generator's, stable across numpy versions);
each group of a publication is analysed with the same seed, so with the same main indices every
group meets the same weight sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Floats = NDArray[np.float64]
Integers = NDArray[np.int64]

DRAWS = 1000
SPREAD = 0.25
GEOMETRIC_FLOOR = 0.01
PLACES = 4
PERCENTILES = (5, 50, 95)
PERCENTILE_METHOD: Final[Literal["inverted_cdf"]] = "inverted_cdf"
# Scaled values are rounded to this many decimals before rounding half up: a sum of a few floats
# lies within about 1e-12 of its exact value, so a value exactly on a boundary (0,03125) is not
# pushed below it by float error.
SCALED_NOISE_DECIMALS = 6


class Alternative(StrEnum):
    WEIGHTS_DRAWN = "weights_drawn"
    EQUAL_WEIGHTS = "equal_weights"
    GEOMETRIC_MEAN = "geometric_mean"


@dataclass(frozen=True)
class Bands:
    """Each unit's rank by the official method and over the pooled scenarios, in the input's order."""

    rank: Integers
    median: Integers
    p05: Integers
    p95: Integers
    # One row per scenario (the draws, then equal weights, then the geometric mean), one column per unit.
    scenarios: Integers


def method(*, seed: int, draws: int = DRAWS, spread: float = SPREAD, places: int = PLACES) -> dict[str, Any]:
    """What an analysis did, as stored with its results and given by the API."""
    return {
        "draws": draws,
        "spread": spread,
        "seed": seed,
        "alternatives": [
            {"code": Alternative.WEIGHTS_DRAWN.value, "scenarios": draws},
            {"code": Alternative.EQUAL_WEIGHTS.value, "scenarios": 1},
            {"code": Alternative.GEOMETRIC_MEAN.value, "scenarios": 1, "floor": GEOMETRIC_FLOOR},
        ],
        "scenarios": draws + 2,
        "percentiles": list(PERCENTILES),
        "percentile_method": PERCENTILE_METHOD,
        "places": places,
    }


def weight_factors(*, seed: int, draws: int, indices: int, spread: float) -> Floats:
    """(draws, indices) factors, each uniform in [1 - spread, 1 + spread]."""
    if not 0 <= spread < 1:
        raise ValueError(f"spread must be in [0, 1): {spread}")
    uniform = np.random.Generator(np.random.PCG64(seed)).random((draws, indices))
    return 1 - spread + 2 * spread * uniform


def arithmetic(values: Floats, weights: Floats) -> Floats:
    """Weighted arithmetic means over the main indices each unit has (NaN values are left out).

    `values` is (units, indices); `weights` broadcasts against (scenarios, units, indices).
    """
    present = ~np.isnan(values)
    w = np.where(present, weights, 0.0)
    return np.asarray((w * np.where(present, values, 0.0)).sum(axis=-1) / w.sum(axis=-1), dtype=np.float64)


def geometric(values: Floats, weights: Floats, floor: float = GEOMETRIC_FLOOR) -> Floats:
    """Weighted geometric means, each value at least `floor`, NaN values left out."""
    present = ~np.isnan(values)
    w = np.where(present, weights, 0.0)
    logs = np.log(np.maximum(np.where(present, values, 1.0), floor))
    return np.asarray(np.exp((w * logs).sum(axis=-1) / w.sum(axis=-1)), dtype=np.float64)


def competition_ranks(scores: Floats, places: int = PLACES) -> Integers:
    """Ranks along the last axis: rounded half up at `places` decimals, highest first, ties shared
    ("1, 2, 2, 4"), as `rankings.ranking.competition_ranks` ranks the published tables."""
    scaled = np.round(np.asarray(scores, dtype=np.float64) * 10.0**places, SCALED_NOISE_DECIMALS)
    keys = np.floor(scaled + 0.5)
    # Units strictly ahead of each unit: (..., units, units) comparisons; a ranking table holds at most
    # a few dozen units.
    ahead = (keys[..., np.newaxis, :] > keys[..., :, np.newaxis]).sum(axis=-1)
    return np.asarray(1 + ahead, dtype=np.int64)


def scenario_scores(
    values: Floats, weights: Floats, *, seed: int, draws: int = DRAWS, spread: float = SPREAD
) -> Floats:
    """(draws + 2, units) index values: each drawn weight set, equal weights, the geometric mean."""
    factors = weight_factors(seed=seed, draws=draws, indices=values.shape[1], spread=spread)
    # Renormalising is the division by the weights' sum inside each mean.
    drawn = arithmetic(values, factors[:, np.newaxis, :] * weights)
    equal = arithmetic(values, np.where(weights > 0, 1.0, 0.0))
    return np.vstack([drawn, equal[np.newaxis], geometric(values, weights)[np.newaxis]])


def rank_bands(
    values: ArrayLike,
    weights: ArrayLike,
    *,
    seed: int,
    draws: int = DRAWS,
    spread: float = SPREAD,
    places: int = PLACES,
) -> Bands:
    """Each unit's official rank, median rank and 5–95 % band over the alternatives.

    `values`: (units, indices) main-index values, value = score / max, NaN where a unit has none.
    `weights`: (indices,) the official weights (each main index's max points over their total; any
    scale, only their ratios count), or (units, indices) where units' maxima differ. A main index of
    weight 0 is left out of every scenario.
    """
    table = np.asarray(values, dtype=np.float64)
    if table.ndim != 2 or table.shape[0] == 0:
        raise ValueError("values must be a non-empty (units, indices) table")
    official = np.broadcast_to(np.asarray(weights, dtype=np.float64), table.shape)
    if np.any(official < 0) or not np.all(((official > 0) & ~np.isnan(table)).any(axis=1)):
        raise ValueError("weights must be non-negative and every unit needs a value of positive weight")
    if draws < 1:
        raise ValueError("draws must be at least 1")
    scenarios = competition_ranks(scenario_scores(table, official, seed=seed, draws=draws, spread=spread), places)
    low, middle, high = np.percentile(scenarios, list(PERCENTILES), axis=0, method=PERCENTILE_METHOD)
    return Bands(
        rank=competition_ranks(arithmetic(table, official), places),
        median=middle.astype(np.int64),
        p05=low.astype(np.int64),
        p95=high.astype(np.int64),
        scenarios=scenarios,
    )
