"""The published DTI 2021 (seed 002, Bảng 1–6) reproduced from its main-index values.

The engine's aggregation weighs each main index by its points in the 2022 framework; the DTI
it gives must equal the published one within 0.0001, and ranking it at 4 decimals with ties
sharing a rank must give every published rank.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from rankings.ranking import competition_ranks
from scoring.engine import NodeResult, aggregate_main_values

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def main_points(code: str) -> tuple[dict[str, Decimal], dict[str, tuple[str, ...]]]:
    framework = json.loads((FIXTURES / "frameworks" / f"{code}.json").read_text(encoding="utf-8"))
    points = {node["key"]: Decimal(node["max_points"]) for node in framework["nodes"] if node["kind"] == "main"}
    aggregates = {item["code"]: tuple(item["main_indices"]) for item in framework["aggregates"]}
    return points, aggregates


def published(level: str) -> list[dict[str, str]]:
    """The published rows: 63 provinces (Bảng 5–6), or the 17 ministries with public services (Bảng 1–2).

    The 9 ministries without public services (Bảng 3–4) are scored on maxima specific to their
    group that the report does not print, so their DTI cannot be recomputed from its tables.
    """
    with (FIXTURES / "results" / f"dti-2021-{level}.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return rows if level == "province" else rows[:17]


def computed_dti(level: str, framework: str) -> dict[str, NodeResult]:
    """Each published unit's DTI as the engine aggregates its published main-index values."""
    points, aggregates = main_points(framework)
    return {
        row["organisation"]: aggregate_main_values(
            points, aggregates, {key: number(row[key]) for key in points if row.get(key)}
        )["DTI"]
        for row in published(level)
    }


@pytest.mark.parametrize(("level", "framework"), [("province", "dti-2022-province"), ("ministry", "dti-2022-ministry")])
def test_every_published_dti_is_the_points_weighted_sum_of_its_main_indices(level: str, framework: str) -> None:
    rows = published(level)

    computed = computed_dti(level, framework)

    off = {unit: (result.value, row["published_value"]) for row in rows
           for unit, result in [(row["organisation"], computed[row["organisation"]])]
           if abs(result.value - number(row["published_value"])) > Decimal("0.0001")}  # type: ignore[operator]  # fmt: skip
    assert off == {}
    assert {result.max_points for result in computed.values()} == {Decimal(1000)}
    assert len(rows) == (63 if level == "province" else 17)


@pytest.mark.parametrize(("level", "framework"), [("province", "dti-2022-province"), ("ministry", "dti-2022-ministry")])
def test_ranking_the_computed_dti_gives_every_published_rank(level: str, framework: str) -> None:
    rows = published(level)

    ranks = competition_ranks({unit: result.value for unit, result in computed_dti(level, framework).items()})

    assert {row["organisation"]: ranks[row["organisation"]] for row in rows} == {
        row["organisation"]: int(row["published_rank"]) for row in rows
    }


def test_the_published_tie_at_twelfth_place_is_reproduced() -> None:
    rows = {row["organisation"]: row for row in published("province")}

    assert rows["Thanh Hóa"]["published_rank"] == rows["Vĩnh Phúc"]["published_rank"] == "12"
    assert rows["Hải Dương"]["published_rank"] == "14"
