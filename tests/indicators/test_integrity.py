"""The integrity check: errors block a framework, lost parts make it incomplete."""

from __future__ import annotations

from decimal import Decimal

from indicators.framework.integrity import check_framework_data
from indicators.framework.parse import MissingData, NodeData
from tests.indicators.builders import small_framework


def test_a_consistent_framework_is_complete() -> None:
    report = check_framework_data(small_framework())

    assert report.errors == []
    assert report.incomplete == []
    assert report.complete is True
    assert report.summary["leaves"] == 5
    assert report.summary["leaf_points"] == "100"


def test_children_points_must_add_up_to_their_parent() -> None:
    data = small_framework()
    next(node for node in data.nodes if node.key == "1.1.1").max_points = Decimal(5)

    errors = check_framework_data(data).errors

    assert "“1.1”: tổng điểm các chỉ số con (35) khác điểm tối đa (40)." in errors


def test_leaves_must_add_up_to_the_framework_total() -> None:
    data = small_framework()
    data.max_points = Decimal(1000)

    errors = check_framework_data(data).errors

    assert "Tổng điểm các chỉ số lá (100) khác tổng điểm bộ chỉ số (1000)." in errors
    assert "Chỉ số DTI: tổng điểm các chỉ số chính (100) khác tổng điểm (1000)." in errors


def test_duplicate_and_orphan_keys_are_errors() -> None:
    data = small_framework()
    data.nodes.append(NodeData(key="1.1.1", code="1.1.1", parent="1.1", kind="criterion", name="Trùng"))
    data.nodes.append(
        NodeData(key="9.9", code="9.9", parent="9", kind="component", name="Mồ côi", max_points=Decimal(0))
    )

    errors = check_framework_data(data).errors

    assert "Khóa “1.1.1” bị trùng (2 lần)." in errors
    assert "“9.9”: chỉ số cha “9” không tồn tại." in errors


def test_leaf_rule_parameters_are_checked() -> None:
    data = small_framework()
    next(node for node in data.nodes if node.key == "1.1.2").parameters = {"target": "-5"}

    errors = check_framework_data(data).errors

    assert errors == ["“1.1.2”: Tham số “target” phải là số dương."]


def test_aggregates_may_only_sum_main_indices() -> None:
    data = small_framework()
    data.aggregates[0].main_indices = ["1", "2.1"]

    errors = check_framework_data(data).errors

    assert "Chỉ số tổng hợp “DTI”: “2.1” không phải chỉ số chính." in errors


def test_counts_differing_from_the_declared_structure_are_errors() -> None:
    data = small_framework()
    data.declared[0].criteria = 4

    errors = check_framework_data(data).errors

    assert errors == ["“1” Nhận thức số: công bố 4 tiêu chí, có 3."]


def test_a_lost_part_makes_the_framework_incomplete_not_wrong() -> None:
    # given the source lost criterion 1.1.2: its parent is marked incomplete and the loss listed
    data = small_framework()
    data.nodes = [node for node in data.nodes if node.key != "1.1.2"]
    next(node for node in data.nodes if node.key == "1.1").incomplete = True
    data.missing.append(MissingData(parent="1.1", what="criterion", code="1.1.2", reason="Dòng bị mất."))

    report = check_framework_data(data)

    assert report.errors == []
    assert report.complete is False
    assert report.incomplete == [
        "“1.1” Tuyên truyền: văn bản nguồn mất một phần chỉ số con.",
        "“1.1”: tổng điểm các chỉ số con (10) khác điểm tối đa (40).",
        "“1” Nhận thức số: công bố 3 tiêu chí, có 2.",
        "Thiếu 1.1.2 (thuộc “1.1”): Dòng bị mất.",
    ]


def test_points_lost_by_the_source_make_it_incomplete() -> None:
    data = small_framework()
    next(node for node in data.nodes if node.key == "2.1.2").max_points = None

    report = check_framework_data(data)

    assert report.errors == []
    assert report.incomplete == [
        "“2.1”: tổng điểm các chỉ số con (25) khác điểm tối đa (40).",
        "“2.1.2” Đánh giá của chuyên gia: văn bản nguồn mất điểm tối đa.",
    ]


def test_a_parent_whose_known_children_fall_short_makes_the_framework_incomplete() -> None:
    # given the source printed 2.1's 40 points but only 25 of its criteria's (as CQS 5.9: 8 vs 2)
    data = small_framework()
    next(node for node in data.nodes if node.key == "2.1.2").max_points = None
    next(node for node in data.nodes if node.key == "2.1").incomplete = True

    report = check_framework_data(data)

    assert report.errors == []
    assert report.complete is False
    assert "“2.1”: tổng điểm các chỉ số con (25) khác điểm tối đa (40)." in report.incomplete


def test_an_inferred_cell_makes_a_consistent_framework_incomplete() -> None:
    # given every sum holds, but 2.1.2's points were inferred from its siblings, not printed
    data = small_framework()
    next(node for node in data.nodes if node.key == "2.1.2").inferred = ["max_points"]
    next(node for node in data.nodes if node.key == "1").inferred = ["code", "name"]

    report = check_framework_data(data)

    assert report.errors == []
    assert report.incomplete == []
    assert report.inferred == [
        "“1” Nhận thức số: mã, tên suy ra, không in trong văn bản.",
        "“2.1.2” Đánh giá của chuyên gia: điểm tối đa suy ra, không in trong văn bản.",
    ]
    assert report.complete is False
    assert report.summary["inferred"] == 2
    assert report.to_json()["inferred"] == report.inferred
