"""The array engine against the Decimal reference: the same figures at every shown precision, the same ranks.

Frameworks and units are random (hypothesis), with values chosen to land on rounding boundaries
often: the float engine must mark those cells and settle them with the exact engine.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rankings.ranking import competition_ranks
from scoring.engine import (
    FrameworkSpec,
    LeafValue,
    NodeSpec,
    Results,
    StageValues,
    UnitInput,
    plan,
    score_campaign,
    score_exact,
    score_stage,
)

D = Decimal
LEVELS = [{"label": "Đầy đủ", "fraction": "1"}, {"label": "Một phần", "fraction": "0.5"},
          {"label": "Ít", "fraction": "0.125"}]  # fmt: skip
RULES: list[tuple[str, dict[str, Any]]] = [
    ("boolean", {}),
    ("percentage", {}),
    ("percentage", {"inverted": True, "target": "20"}),
    ("ratio", {}),
    ("ratio", {"target": "80"}),
    ("count", {"cap": "30"}),
    ("levels", {"levels": LEVELS}),
    ("manual", {}),
    ("relative_to_best", {}),
    ("minmax", {}),
    ("minmax", {"inverted": True}),
    ("zscore", {}),
    ("zscore", {"bound": "2", "inverted": True}),
]
GROUPS = ("province_a", "province_b", "province_c")
# Values that put scores on boundaries: halves, eighths, sixteenths of a point; and plain decimals.
boundary_values = st.sampled_from([D(0), D("0.5"), D(1), D("12.5"), D(50), D("100"), D("0.125"), D("1.0005"),
                                   D("62.5"), D("0.015"), D("0.03125"), D("3.0625"), D("150")])  # fmt: skip
plain_values = st.decimals(min_value=0, max_value=1000, places=2) | st.decimals(min_value=0, max_value=100, places=6)
values = st.none() | boundary_values | plain_values
points = st.sampled_from([D("0.25"), D("0.5"), D(1), D("1.5"), D(2), D(3), D(5), D(8), D(10), D(16), D(20), D(0)])


@st.composite
def campaigns(draw: st.DrawFn) -> tuple[FrameworkSpec, list[UnitInput]]:
    nodes: list[NodeSpec] = []
    mains = []
    for m in range(draw(st.integers(1, 3))):
        main = f"{m + 1}"
        mains.append(main)
        nodes.append(NodeSpec(main, None, D(0)))
        for c in range(draw(st.integers(1, 3))):
            component = f"{main}.{c + 1}"
            nodes.append(NodeSpec(component, main, D(0)))
            for n in range(draw(st.integers(1, 4))):
                rule, parameters = RULES[draw(st.integers(0, len(RULES) - 1))]
                away = frozenset(draw(st.sets(st.sampled_from(GROUPS), max_size=1)))
                nodes.append(NodeSpec(f"{component}.{n + 1}", component, draw(points), rule, parameters, away))
    leaves = [node.key for node in nodes if node.key.count(".") == 2]
    excluded = frozenset(draw(st.sets(st.sampled_from(leaves), max_size=2)))
    aggregates = {"DTI": tuple(mains), "P": tuple(draw(st.sets(st.sampled_from(mains), min_size=1)))}
    framework = FrameworkSpec(nodes=tuple(nodes), aggregates=aggregates, excluded=excluded)
    units = []
    for u in range(draw(st.integers(1, 10))):
        answers: dict[str, LeafValue] = {}
        for node in nodes:
            if node.key not in leaves:
                continue
            if node.rule == "ratio":
                denominator = draw(st.none() | st.sampled_from([D(0), D(8), D(16), D(3), D(1000), D("7.5")]))
                answers[node.key] = LeafValue(numerator=draw(values), denominator=denominator)
            elif node.rule == "levels":
                answers[node.key] = LeafValue(choice=draw(st.sampled_from(["", "Đầy đủ", "Một phần", "Ít", "khác"])))
            else:
                answers[node.key] = LeafValue(value=draw(values))
        units.append(UnitInput(f"U{u}", draw(st.sampled_from(GROUPS)), answers))
    return framework, units


def rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


def shown(results: Results) -> dict[tuple[str, str], tuple[object, ...]]:
    """Every figure as the portal ranks and shows it: the value at 4 decimals (ranks and published
    values), and the score and the value as the database keeps them (8 decimals), shown at 1 to 4."""
    figures: dict[tuple[str, str], tuple[object, ...]] = {}
    for unit, nodes in results.items():
        for key, result in nodes.items():
            kept_score = rounded(result.score, 8)
            found: tuple[object, ...] = (result.max_points, *(rounded(kept_score, places) for places in range(1, 5)))
            if result.value is not None:
                kept_value = rounded(result.value, 8)
                found += (rounded(result.value, 4), *(rounded(kept_value, places) for places in range(1, 5)))
            figures[(unit, key)] = found
    return figures


def ranks(results: Results, units: list[UnitInput]) -> dict[tuple[str, str], int | None]:
    found: dict[tuple[str, str], int | None] = {}
    keys = next(iter(results.values())).keys()
    for group in GROUPS:
        members = [unit.code for unit in units if unit.group == group]
        for key in keys:
            ranked = competition_ranks({code: results[code][key].value for code in members})
            found.update({(code, key): rank for code, rank in ranked.items()})
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(campaigns())
def test_the_array_engine_shows_and_ranks_every_figure_as_the_decimal_engine(
    campaign: tuple[FrameworkSpec, list[UnitInput]],
) -> None:
    framework, units = campaign

    fast, exact = score_campaign(framework, units), score_exact(framework, units)

    assert shown(fast) == shown(exact)
    assert ranks(fast, units) == ranks(exact, units)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(campaigns())
def test_the_scores_as_stored_show_and_rank_as_the_decimal_engines_would(
    campaign: tuple[FrameworkSpec, list[UnitInput]],
) -> None:
    framework, units = campaign
    layout = plan(framework)
    scores = score_stage(layout, StageValues.of(layout, units))
    exact = score_exact(framework, units)

    maxima, stored = scores.stored()

    for row, unit in enumerate(scores.units):
        for column, key in enumerate(layout.keys):
            reference = exact[unit][key]
            # The database keeps 8 decimals, rounding half away from zero.
            kept = rounded(reference.score, 8)
            ours = D(int(stored[row, column])).scaleb(-8)
            assert D(int(maxima[row, column])).scaleb(-4) == reference.max_points
            for places in range(1, 5):
                assert rounded(ours, places) == rounded(kept, places)
                if reference.max_points:
                    assert rounded(ours / reference.max_points, places) == rounded(kept / reference.max_points, places)


def test_a_value_exactly_on_a_rounding_boundary_ranks_half_up_as_in_decimal() -> None:
    # 0,015 % on a 1-point leaf is a value of 0,00015: half up at 4 decimals, 0,0002; its float is just below.
    framework = FrameworkSpec(
        nodes=(NodeSpec("1", None, D(0)), NodeSpec("1.1", "1", D(1), "percentage")), aggregates={"DTI": ("1",)}
    )
    units = [UnitInput("U", "province", {"1.1": LeafValue(value=D("0.015"))})]
    layout = plan(framework)
    scores = score_stage(layout, StageValues.of(layout, units))
    value = score_campaign(framework, units)["U"]["1.1"].value

    assert (0, layout.column["1.1"]) in scores.exact
    assert value is not None
    assert rounded(value, 4) == D("0.0002")
    assert D(float(D("0.015")) / 100) < D("0.00015")  # the float alone would round down


def test_peer_group_values_too_close_together_for_floats_are_scored_exactly() -> None:
    framework = FrameworkSpec(
        nodes=(NodeSpec("1", None, D(0)), NodeSpec("1.1", "1", D(10), "zscore")), aggregates={"DTI": ("1",)}
    )
    close = ["1000.000001", "1000.000002", "1000.000004"]
    units = [UnitInput(f"U{n}", "province", {"1.1": LeafValue(value=D(v))}) for n, v in enumerate(close)]

    assert score_campaign(framework, units) == score_exact(framework, units)


def test_values_too_large_for_a_float_to_hold_are_scored_exactly() -> None:
    framework = FrameworkSpec(
        nodes=(NodeSpec("1", None, D(0)), NodeSpec("1.1", "1", D(10), "minmax")), aggregates={"DTI": ("1",)}
    )
    large = ["12345678901234.000001", "12345678901234.000002"]
    units = [UnitInput(f"U{n}", "province", {"1.1": LeafValue(value=D(v))}) for n, v in enumerate(large)]

    results = score_campaign(framework, units)

    assert (results["U0"]["1.1"].score, results["U1"]["1.1"].score) == (D(0), D(10))
