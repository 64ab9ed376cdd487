from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.services import load_organisations
from indicators.services import import_framework
from tests.accounts.test_organisations import SMALL_LIST
from tests.indicators.builders import small_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_frameworks_are_listed_for_anyone(api: APIClient) -> None:
    import_framework(data=small_framework("thu-nghiem"))

    response = api.get("/api/v1/frameworks/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "code": "thu-nghiem",
            "level": "province",
            "name": "Bộ chỉ số thử nghiệm",
            "decision": "1/QĐ-TN",
            "decision_date": "2024-01-15",
            "first_year": 2024,
            "last_year": None,
            "max_points": 100.0,
            "precision": 4,
            "complete": True,
        }
    ]


def test_a_framework_comes_with_its_tree_and_aggregates(api: APIClient) -> None:
    import_framework(data=small_framework("thu-nghiem"))

    body = api.get("/api/v1/frameworks/thu-nghiem/").json()

    assert [node["code"] for node in body["nodes"]] == ["1", "2"]
    first = body["nodes"][0]
    assert (first["kind"], first["max_points"]) == ("main", 60.0)
    assert [child["code"] for child in first["children"]] == ["1.1", "1.2"]
    leaf = first["children"][0]["children"][1]
    assert leaf == {
        "key": "1.1.2",
        "code": "1.1.2",
        "name": "Tỷ lệ cán bộ được tập huấn",
        "kind": "criterion",
        "max_points": 30.0,
        "source": "self_report",
        "rule": "percentage",
        "parameters": {"target": "100"},
        "rule_text": "Tỷ lệ %: đạt 100 % được tối đa 30 điểm, thấp hơn tính theo tỷ lệ.",
        "unit": "",
        "evidence_required": True,
        "not_applicable_groups": [],
        "focus": False,
        "incomplete": False,
        "inferred": [],
        "children": [],
    }
    assert body["aggregates"] == [
        {"code": "DTI", "name": "Chỉ số DTI", "max_points": 100.0, "main_indices": ["1", "2"]}
    ]
    assert body["missing"] == []


def test_a_node_names_the_cells_its_source_does_not_print(api: APIClient) -> None:
    data = small_framework("suy-ra")
    next(node for node in data.nodes if node.key == "2.1.2").inferred = ["code", "max_points"]
    import_framework(data=data)

    body = api.get("/api/v1/frameworks/suy-ra/").json()

    expert = body["nodes"][1]["children"][0]["children"][1]
    assert (expert["key"], expert["inferred"]) == ("2.1.2", ["code", "max_points"])
    assert body["complete"] is False


def test_an_unknown_framework_answers_404(api: APIClient) -> None:
    assert api.get("/api/v1/frameworks/khong-co/").status_code == 404


def test_organisations_filter_by_level_and_year(api: APIClient) -> None:
    load_organisations(data=SMALL_LIST)

    body = api.get("/api/v1/organisations/?level=province&year=2025").json()["results"]

    assert [row["code"] for row in body] == ["46", "48-2025"]
    assert body[1] == {
        "code": "48-2025",
        "name": "Đà Nẵng",
        "full_name": "Thành phố Đà Nẵng",
        "name_en": "",
        "level": "province",
        "group": "province",
        "region": "bac-trung-bo-duyen-hai-mien-trung",
        "valid_from": 2025,
        "valid_to": None,
        "predecessors": ["48", "49"],
        "variants": [],
        "renamed": [],
    }


def test_a_malformed_year_is_a_400_naming_the_field(api: APIClient) -> None:
    response = api.get("/api/v1/organisations/?year=hai-nghin")

    assert response.status_code == 400
    assert list(response.json()) == ["year"]


def test_the_schema_describes_the_framework_and_organisation_endpoints(api: APIClient) -> None:
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")

    paths = response.json()["paths"]
    assert {"/api/v1/frameworks/", "/api/v1/frameworks/{code}/", "/api/v1/organisations/"} <= set(paths)


@pytest.mark.usefixtures("organisations")
def test_a_renamed_unit_is_listed_with_the_names_of_the_year_asked_for(api: APIClient) -> None:
    in_2024 = {row["code"]: row for row in api.get("/api/v1/organisations/?level=province&year=2024").json()["results"]}
    in_2025 = {row["code"]: row for row in api.get("/api/v1/organisations/?level=province&year=2025").json()["results"]}

    assert (in_2024["46"]["name"], in_2024["46"]["full_name"]) == ("Thừa Thiên Huế", "Tỉnh Thừa Thiên Huế")
    assert (in_2025["46"]["name"], in_2025["46"]["full_name"]) == ("Huế", "Thành phố Huế")
