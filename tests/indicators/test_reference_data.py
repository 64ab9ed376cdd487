"""The shipped reference data: organisations of every year and the frameworks the seeds give."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from accounts.models import Organisation
from indicators.framework.integrity import check_framework_data
from indicators.framework.parse import FrameworkData
from indicators.models import Framework
from tests.indicators.builders import shipped_framework

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SEED_2020 = SEEDS / "001_2df82e070e417e2a.txt"
FRAMEWORK_CODES = ["dti-2020-ministry", "dti-2020-national", "dti-2020-province", "dti-2022-ministry",
                   "dti-2022-national", "dti-2022-province"]  # fmt: skip


def framework_fixture(code: str) -> FrameworkData:
    return shipped_framework(code)


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

    assert response.json()["count"] == expected


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


def test_no_shipped_framework_is_complete(reference_data: None) -> None:
    # The 2020 ministry table (seed 001, Phụ lục II) keeps every row, but prints no points for
    # 5.10.2, 5.11.2 and 9.5.1–9.8 and no STT for sole criteria: those cells are inferred.
    # The others lost parts of their tables.
    complete = dict(Framework.objects.values_list("code", "complete"))

    assert complete == {
        "dti-2020-ministry": False,
        "dti-2020-national": False,
        "dti-2020-province": False,
        "dti-2022-ministry": False,
        "dti-2022-national": False,
        "dti-2022-province": False,
    }


def test_check_framework_reports_inferred_cells_and_never_calls_such_a_framework_complete(
    reference_data: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("check_framework", "dti-2020-ministry")

    output = capsys.readouterr().out
    assert "  SUY RA “5.10.2” Tỷ lệ DVCTT mức độ 4: điểm tối đa suy ra, không in trong văn bản." in output
    assert "  SUY RA “5.1.1” Tỷ lệ CBCCVC có tài khoản thư điện tử chính thức: mã suy ra, không in trong văn bản." in (
        output
    )
    assert "Result: INCOMPLETE (0 errors, 0 missing items, 15 rows with inferred cells)" in output
    assert not Framework.objects.get(code="dti-2020-ministry").complete


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


def test_2020_main_indices_are_the_rows_seed_001_prints_at_main_level() -> None:
    province, ministry = framework_fixture("dti-2020-province"), framework_fixture("dti-2020-ministry")

    mains = {
        aggregate.code: [key.split("/")[-1] for key in aggregate.main_indices]
        for aggregate in province.aggregates
        if aggregate.code != "DTI"
    }
    # Phụ lục I, mục I states 07 main indices per pillar; each table I.1–I.3 also prints rows 8
    # (cyberspace) and 9 (experts) at main-index level, the 10 % + 10 % of section II.2.a.
    # Bảng I.1 keeps rows 1 and 9, the names of 6, 7 and 8, and 5's components 5.5–5.16 (5's own
    # row is lost); 2, 3 and 4 are lost. Bảng I.2 keeps 1–5 and 9's components 9.5–9.7; 6, 7 and 8
    # are lost with rows 5.3.2–9.4. Bảng I.3 is whole: 7 + 2 = 9.
    assert mains == {
        "CQS": ["1", "5", "6", "7", "8", "9"],
        "KTS": ["1", "2", "3", "4", "5", "9"],
        "XHS": ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
    }
    # Phụ lục II, mục I states 07 main indices; its table prints rows 1–9, 8 and 9 as above.
    assert [node.code for node in ministry.nodes if node.kind == "main"] == [str(n) for n in range(1, 10)]


@pytest.mark.parametrize("code", ["dti-2020-province", "dti-2020-ministry"])
def test_2020_structure_counts_equal_the_declared_ones_where_the_text_is_whole(code: str) -> None:
    data = framework_fixture(code)
    declared = {item.key: item for item in data.declared}
    mains = [node for node in data.nodes if node.kind == "main"]
    if code == "dti-2020-province":
        # Bảng I.3 (Xã hội số) is the only provincial table the text keeps whole
        mains = [node for node in mains if node.key.startswith("XHS/")]

    for main in mains:
        expected = declared[main.key]
        assert _counts(data, main.key) == (expected.components, expected.criteria), main.key


def test_the_2020_province_fixture_brings_in_the_rows_seed_001_prints_with_their_printed_points() -> None:
    nodes = {node.key: node for node in framework_fixture("dti-2020-province").nodes}

    # Bảng I.1: main index 1 printed with 40 points (its rows below lost), components 5.10–5.16
    # and 6.1 with what points the text prints (5.10's 10 and 5.11's 10; the others' are lost)
    printed = ["CQS/1", "CQS/5.10", "CQS/5.11", "CQS/5.12", "CQS/5.13", "CQS/5.14", "CQS/5.15", "CQS/5.16", "CQS/6.1"]
    assert {key: nodes[key].max_points for key in printed} == {
        "CQS/1": Decimal(40),
        "CQS/5.10": Decimal(10),
        "CQS/5.11": Decimal(10),
        "CQS/5.12": None,
        "CQS/5.13": Decimal(2),
        "CQS/5.14": None,
        "CQS/5.15": None,
        "CQS/5.16": None,
        "CQS/6.1": None,
    }
    # a main index whose criteria are all lost is scored directly, and says it is incomplete
    main_1 = nodes["CQS/1"]
    assert (main_1.kind, main_1.rule, main_1.incomplete) == ("main", "manual", True)
    assert not any(node.parent == "CQS/1" for node in nodes.values())
    assert [nodes[f"CQS/5.14.{n}"].max_points for n in (1, 2, 3)] == [Decimal(1), None, None]


@pytest.mark.skipif(not SEED_2020.exists(), reason="the seed documents are not beside the project (../shared/seeds)")
def test_every_coded_row_of_seed_001_is_a_node_unless_the_text_keeps_only_its_code() -> None:
    text = SEED_2020.read_text(encoding="utf-8")
    annex_2 = text.index("\nPHỤ LỤC II\n")
    tables = {
        "CQS/": text[text.index("Bảng I.1. ") : text.index("Bảng I.2. ")],
        "KTS/": text[text.index("Bảng I.2. ") : text.index("Bảng 13. ")],
        "XHS/": text[text.index("Bảng 13. ") : text.index("Bảng I.4. ")],
        "": text[annex_2:],
    }
    province, ministry = framework_fixture("dti-2020-province"), framework_fixture("dti-2020-ministry")
    keys = {node.key for data in (province, ministry) for node in data.nodes}
    lost = {(m.parent or "").split("/")[0] + "/" + m.code for m in province.missing if m.code}

    # a code cell is a line holding only a dotted number (" \t" when fused into a neighbour row)
    absent = {
        prefix + code
        for prefix, table in tables.items()
        for code in re.findall(r"^ ?\t(\d+(?:\.\d+)+)\.?$", table, flags=re.MULTILINE)
        if prefix + code not in keys
    }

    # Bảng I.1 keeps only the code of these rows: 1.1 (before 5.5), 5.10.1, 5.11.1 (with a 10
    # but no name), 5.16.4 and 7.3.2 (each followed by another row's cells)
    assert absent == {"CQS/1.1", "CQS/5.10.1", "CQS/5.11.1", "CQS/5.16.4", "CQS/7.3.2"}
    assert absent <= lost


def test_2020_components_whose_criteria_do_not_add_up_are_marked_incomplete() -> None:
    data = framework_fixture("dti-2020-province")
    nodes = {node.key: node for node in data.nodes}

    report = check_framework_data(data)

    # Bảng I.1: 5.9 prints 8 points, its criteria only 5.9.3's 2; Bảng I.2: 5.3 prints 4, 5.3.1 none
    assert (nodes["CQS/5.9"].incomplete, nodes["KTS/5.3"].incomplete) == (True, True)
    assert "“CQS/5.9”: tổng điểm các chỉ số con (2) khác điểm tối đa (8)." in report.incomplete
    assert "“KTS/5.3”: tổng điểm các chỉ số con (0) khác điểm tối đa (4)." in report.incomplete
    assert report.errors == []


def test_2020_cells_seed_001_does_not_print_are_marked_inferred() -> None:
    province = {node.key: node for node in framework_fixture("dti-2020-province").nodes}
    ministry = {node.key: node for node in framework_fixture("dti-2020-ministry").nodes}

    # points taken from the weights of section II.2.a, rows rebuilt for their printed children
    assert province["CQS/5"].inferred == ["code", "name", "max_points"]
    assert province["CQS/8"].inferred == ["code", "max_points"]
    assert province["KTS/9"].inferred == ["code", "name", "max_points"]
    # points left by the printed figures, and the code of a sole criterion printed without STT
    assert ministry["5.10.2"].inferred == ["max_points"]
    assert ministry["5.11.2"].inferred == ["max_points"]
    assert province["XHS/4.2.2"].inferred == ["max_points"]
    assert province["CQS/5.6.1"].inferred == ["code", "max_points"]
    assert province["CQS/5.10"].inferred == ["name"]
    # what the text prints is not
    assert province["CQS/1"].inferred == province["XHS/4.2.1"].inferred == ministry["5.10.1"].inferred == []


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
