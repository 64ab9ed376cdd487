"""The shipped reference data: organisations of every year and the frameworks the seeds give."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from accounts.models import Organisation
from indicators.framework.integrity import check_framework_data
from indicators.framework.parse import FrameworkData
from indicators.models import Framework

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FRAMEWORK_CODES = ["dti-2020-ministry", "dti-2020-province", "dti-2022-ministry", "dti-2022-province"]


def framework_fixture(code: str) -> FrameworkData:
    return FrameworkData.from_json(json.loads((FIXTURES / "frameworks" / f"{code}.json").read_text(encoding="utf-8")))


@pytest.fixture
def reference_data(db: None) -> None:
    call_command("load_reference_data")


def test_loading_the_reference_data_twice_changes_nothing(reference_data: None) -> None:
    counts = (Organisation.objects.count(), Framework.objects.count())

    call_command("load_reference_data")

    assert (Organisation.objects.count(), Framework.objects.count()) == counts
    assert sorted(Framework.objects.values_list("code", flat=True)) == FRAMEWORK_CODES


@pytest.mark.parametrize(("year", "expected"), [(2020, 63), (2021, 63), (2024, 63), (2025, 34)])
def test_each_year_has_its_own_provinces(reference_data: None, year: int, expected: int) -> None:
    response = APIClient().get(f"/api/v1/organisations/?level=province&year={year}")

    assert len(response.json()) == expected


def test_every_2025_province_formed_by_a_merger_lists_its_predecessors(reference_data: None) -> None:
    provinces_2025 = Organisation.objects.of_level("province").valid_in(2025).prefetch_related("predecessors")

    merged = [unit for unit in provinces_2025 if unit.valid_from == 2025]
    predecessors = {code for unit in merged for code in unit.predecessors.values_list("code", flat=True)}
    kept = {unit.code for unit in provinces_2025 if unit.valid_from is None}
    assert len(merged) == 23
    assert all(unit.predecessors.count() >= 2 for unit in merged)
    # every province of 2024 either continues or went into exactly one 2025 unit
    provinces_2024 = set(Organisation.objects.of_level("province").valid_in(2024).values_list("code", flat=True))
    assert predecessors | kept == provinces_2024
    assert len(predecessors) == 63 - len(kept)


def test_ministries_of_2021_fall_into_the_published_groups(reference_data: None) -> None:
    ministries = Organisation.objects.of_level("ministry").valid_in(2021)

    assert ministries.filter(group="public_services").count() == 17
    assert ministries.filter(group="no_public_services").count() == 9


def test_the_report_spellings_find_their_provinces(reference_data: None) -> None:
    index = Organisation.objects.of_level("province").valid_in(2021).name_index()

    for printed, code in [("TP. Đà Nẵng", "48"), ("Thừa Thiên Huế", "46"), ("Thừa Thiên - Huế", "46"),
                          ("TP. Hồ Chí Minh", "79"), ("Hà Nội", "01")]:  # fmt: skip
        assert index[normalise(printed)].code == code


def normalise(name: str) -> str:
    from accounts.models import normalise_name

    return normalise_name(name)


@pytest.mark.parametrize("code", FRAMEWORK_CODES)
def test_every_shipped_framework_passes_the_integrity_check(reference_data: None, code: str) -> None:
    call_command("check_framework", code)


def test_only_the_2020_ministry_framework_is_complete(reference_data: None) -> None:
    complete = dict(Framework.objects.values_list("code", "complete"))

    assert complete == {
        "dti-2020-ministry": True,
        "dti-2020-province": False,
        "dti-2022-ministry": False,
        "dti-2022-province": False,
    }


def test_an_incomplete_framework_lists_what_is_missing(
    reference_data: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("check_framework", "dti-2020-province")

    output = capsys.readouterr().out
    assert "THIẾU" in output
    assert "Result: INCOMPLETE (0 errors" in output


def test_check_framework_fails_on_an_unknown_code(reference_data: None) -> None:
    with pytest.raises(CommandError, match="No framework 'dti-1999'"):
        call_command("check_framework", "dti-1999")


def _counts(data: FrameworkData, main_key: str) -> tuple[int, int]:
    tree = data.children()
    components = tree.get(main_key, [])
    criteria = [leaf for component in components for leaf in tree.get(component.key, [])]
    return len(components), len(criteria)


@pytest.mark.parametrize("code", ["dti-2020-province", "dti-2020-ministry"])
def test_2020_structure_counts_equal_the_declared_ones_where_the_text_is_whole(code: str) -> None:
    data = framework_fixture(code)
    declared = {item.key: item for item in data.declared}
    mains = [node for node in data.nodes if node.kind == "main"]
    if code == "dti-2020-province":
        mains = [node for node in mains if node.key.startswith("XHS/")]

    # Xã hội số: the seven main indices section I describes, plus the cyberspace (8) and expert (9)
    # assessments that carry the 10 % + 10 % of the pillar's 300 points.
    assert len(mains) == (9 if code == "dti-2020-province" else len(mains))
    for main in mains:
        expected = declared[main.key]
        assert _counts(data, main.key) == (expected.components, expected.criteria), main.key


@pytest.mark.parametrize("code", ["dti-2020-province", "dti-2020-ministry"])
def test_2020_parents_equal_the_sum_of_their_children_where_the_text_gives_both(code: str) -> None:
    data = framework_fixture(code)
    if code == "dti-2020-province":
        data.nodes = [node for node in data.nodes if node.key == "XHS" or node.key.startswith("XHS/")]
    tree = data.children()

    mismatched = [
        node.key
        for node in data.nodes
        if tree.get(node.key)
        and node.max_points is not None
        and all(child.max_points is not None for child in tree[node.key])
        and sum(child.max_points for child in tree[node.key]) != node.max_points  # type: ignore[misc]
    ]

    assert mismatched == []


def test_the_2022_provincial_framework_has_the_published_main_indices() -> None:
    data = framework_fixture("dti-2022-province")

    points = [(node.name, node.max_points) for node in data.nodes if node.kind == "main"]
    assert [str(p) for _n, p in points] == ["100", "100", "100", "100", "100", "0", "200", "150", "150"]
    aggregates = {aggregate.code: len(aggregate.main_indices) for aggregate in data.aggregates}
    assert aggregates == {"DTI": 9, "CQS": 7, "KTS": 7, "XHS": 7}
    assert check_framework_data(data).errors == []


@pytest.mark.parametrize(("level", "count"), [("province", 63), ("ministry", 26)])
def test_every_unit_the_2021_report_prints_is_found_by_its_printed_name(
    reference_data: None, level: str, count: int
) -> None:
    import csv

    index = Organisation.objects.of_level(level).valid_in(2021).name_index()
    with (FIXTURES / "results" / f"dti-2021-{level}.csv").open(encoding="utf-8") as file:
        printed = [row["organisation"] for row in csv.DictReader(file)]

    found = {name: index.get(normalise(name)) for name in printed}
    assert [name for name, unit in found.items() if unit is None] == []
    assert len({unit.code for unit in found.values() if unit}) == count


def test_the_2025_ministries_list_the_bodies_merged_into_them(reference_data: None) -> None:
    finance = Organisation.objects.get(code="BTC")
    agriculture = Organisation.objects.get(code="BNNMT")

    assert sorted(finance.predecessors.values_list("code", flat=True)) == ["BKHDT", "UBQLV"]
    assert sorted(agriculture.predecessors.values_list("code", flat=True)) == ["BNNPTNT", "BTNMT"]
    assert not Organisation.objects.get(code="BKHDT").exists_in(2025)
