from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from indicators.framework.parse import MissingData
from indicators.models import NodeMapping
from indicators.services import import_framework
from tests.indicators.builders import shipped_framework, small_framework

pytestmark = pytest.mark.django_db


def test_the_framework_list_shows_every_version_with_its_state(client: Client) -> None:
    import_framework(data=small_framework("thu-nghiem"))

    html = client.get("/frameworks/").content.decode()

    assert "Bộ chỉ số thử nghiệm" in html
    assert "1/QĐ-TN" in html
    assert "15/01/2024" in html
    assert "Đầy đủ" in html


def test_a_framework_page_shows_the_tree_with_points_sources_and_rules(client: Client) -> None:
    import_framework(data=small_framework("thu-nghiem"))

    response = client.get("/frameworks/thu-nghiem/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<li id="node-1-1-2" class="node node-criterion">' in html
    assert "Tỷ lệ %: đạt 100 % được tối đa 30 điểm" in html
    assert "Đánh giá của chuyên gia" in html
    assert "Bộ chỉ số chưa đầy đủ." not in html


def test_search_finds_nodes_by_name_without_accents(client: Client) -> None:
    import_framework(data=small_framework("thu-nghiem"))

    response = client.get("/frameworks/thu-nghiem/", {"q": "ma doc"})

    matches = response.context["matches"]
    assert [node.key for node in matches] == ["2.1", "2.1.1"]


def test_search_finds_nodes_by_code(client: Client) -> None:
    import_framework(data=small_framework("thu-nghiem"))

    response = client.get("/frameworks/thu-nghiem/", {"q": "1.2"})

    assert [node.key for node in response.context["matches"]] == ["1.2", "1.2.1"]


def test_an_incomplete_framework_carries_a_banner_and_lists_what_is_missing(client: Client) -> None:
    data = small_framework("thieu")
    data.nodes = [node for node in data.nodes if node.key != "1.1.2"]
    next(node for node in data.nodes if node.key == "1.1").incomplete = True
    data.missing.append(MissingData(parent="1.1", what="criterion", code="1.1.2", reason="Dòng bị mất."))
    import_framework(data=data)

    html = client.get("/frameworks/thieu/").content.decode()

    assert "Bộ chỉ số chưa đầy đủ." in html
    assert "Thiếu 1.1.2 (thuộc “1.1”): Dòng bị mất." in html


def test_two_versions_can_be_compared(client: Client) -> None:
    # given a newer version that drops the expert criterion and gives its points to 2.1.1
    import_framework(data=small_framework("cu"))
    newer = small_framework("moi")
    newer.nodes = [node for node in newer.nodes if node.key != "2.1.2"]
    next(node for node in newer.nodes if node.key == "2.1.1").max_points = Decimal(40)
    newer.declared[1].criteria = 1
    import_framework(data=newer)

    response = client.get("/frameworks/cu/compare/", {"with": "moi"})

    changes = [(change.kind, change.key, change.details) for change in response.context["changes"]]
    assert changes == [("changed", "2.1.1", ["điểm tối đa: 25 → 40"]), ("removed", "2.1.2", ["điểm tối đa 15"])]
    assert response.context["counts"] == {"added": 0, "removed": 1, "changed": 1}


def test_an_unknown_framework_is_a_404_page(client: Client) -> None:
    assert client.get("/frameworks/khong-co/").status_code == 404


def test_a_mapped_node_counts_as_the_same_indicator_under_its_new_code(client: Client) -> None:
    # given a newer version where criterion 2.1.2 was renumbered 2.1.3
    older = import_framework(data=small_framework("cu"))
    newer_data = small_framework("moi")
    renumbered = next(node for node in newer_data.nodes if node.key == "2.1.2")
    renumbered.key = renumbered.code = "2.1.3"
    newer = import_framework(data=newer_data)
    NodeMapping.objects.create(earlier=older.nodes.get(key="2.1.2"), later=newer.nodes.get(key="2.1.3"))

    response = client.get("/frameworks/cu/compare/", {"with": "moi"})

    changes = [(change.kind, change.key, change.details) for change in response.context["changes"]]
    assert changes == [("changed", "2.1.3", ["mã: 2.1.2 → 2.1.3"])]


def test_an_inferred_cell_carries_a_visible_explained_mark(client: Client) -> None:
    # given 2.1.2's points were inferred from its siblings rather than printed in the source
    data = small_framework("suy-ra")
    next(node for node in data.nodes if node.key == "2.1.2").inferred = ["max_points"]
    import_framework(data=data)

    html = client.get("/frameworks/suy-ra/").content.decode()

    leaf = html[html.index('id="node-2-1-2"') :]
    leaf = leaf[: leaf.index("</li>")]
    assert 'title="Điểm tối đa: suy ra, không in trong văn bản"' in leaf
    assert '<span aria-hidden="true">suy ra</span>' in leaf
    assert '<span class="visually-hidden">(Điểm tối đa suy ra, không in trong văn bản)</span>' in leaf
    assert "Bộ chỉ số chưa đầy đủ." in html
    assert "“2.1.2” Đánh giá của chuyên gia: điểm tối đa suy ra, không in trong văn bản." in html
    # nothing else is marked: the other rows print their cells
    assert html.count("badge-inferred") == 1


def test_the_2020_province_page_marks_what_seed_001_does_not_print(client: Client) -> None:
    import_framework(data=shipped_framework("dti-2020-province"))

    html = client.get("/frameworks/dti-2020-province/").content.decode()

    main_5 = html[html.index('id="node-CQS-5"') :]
    main_5 = main_5[: main_5.index("</summary>")]
    assert main_5.count("badge-inferred") == 3  # code, name and points of the row the text lost
    main_1 = html[html.index('id="node-CQS-1"') :]
    main_1 = main_1[: main_1.index("</li>")]
    assert '<div class="leaf">' in main_1
    assert "thiếu chỉ số con" in main_1
    assert "badge-inferred" not in main_1
