"""The public lists of the API in pages with their filters: a ranking table's rows and the published
campaigns; their CSV downloads stay whole."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from accounts.models import Organisation, Region

pytestmark = pytest.mark.django_db

RANKING = "/api/v1/rankings/?year=2024&level=province"


@pytest.fixture
def two_regions(small_years: None) -> None:
    """Quảng Nam in a region of its own: published after the tables, as a unit's region changes."""
    north = Region.objects.create(code="dong-bang-song-hong", name="Đồng bằng sông Hồng", order=1)
    Organisation.objects.filter(code="49").update(region=north)


def test_a_ranking_table_comes_in_pages_of_its_rows(small_years: None) -> None:
    api = APIClient()

    first = api.get(f"{RANKING}&page_size=2").json()
    second = api.get(first["next"]).json()

    assert (first["year"], first["level"], first["index"], first["coverage"]) == (
        2024,
        "province",
        "dti",
        {"units": 3, "of": 3},
    )
    assert (first["count"], first["previous"]) == (3, None)
    assert [row["organisation_code"] for row in first["results"]] == ["48", "49"]
    assert first["next"] == "http://testserver/api/v1/rankings/?level=province&page=2&page_size=2&year=2024"
    assert [row["organisation_code"] for row in second["results"]] == ["46"]
    assert (second["next"], second["previous"]) == (
        None,
        "http://testserver/api/v1/rankings/?level=province&page_size=2&year=2024",
    )
    assert api.get(f"{RANKING}&page=3").status_code == 404


def test_the_default_page_is_the_first_fifty_rows_and_its_links_ignore_other_parameters(small_years: None) -> None:
    body = APIClient().get(f"{RANKING}&utm_source=news&group=province").json()

    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    assert len(body["results"]) == 3


@pytest.mark.usefixtures("two_regions")
def test_a_ranking_table_filters_by_region_and_each_row_names_its_region() -> None:
    api = APIClient()

    north = api.get(f"{RANKING}&region=dong-bang-song-hong").json()
    centre = api.get(f"{RANKING}&region=bac-trung-bo-duyen-hai-mien-trung&group=province").json()
    nowhere = api.get(f"{RANKING}&region=nowhere")

    # The published table names each unit's region as it is now.
    assert [(row["organisation_code"], row["region"]) for row in north["results"]] == [("49", "dong-bang-song-hong")]
    assert [row["organisation_code"] for row in centre["results"]] == ["48", "46"]
    assert centre["count"] == 2
    assert (nowhere.status_code, list(nowhere.json())) == (400, ["region"])


@pytest.mark.usefixtures("two_regions")
def test_the_ranking_csv_is_the_whole_table_whatever_the_page(client: Client) -> None:
    response = client.get(f"{RANKING}&format=csv&page_size=1&page=2")
    one_region = client.get(f"{RANKING}&format=csv&region=bac-trung-bo-duyen-hai-mien-trung")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response.status_code == 200
    assert [row["organisation_code"] for row in rows] == ["48", "49", "46"]
    assert list(rows[0]) == ["organisation_code", "organisation_name", "group", "value", "computed_value", "rank",
                             "score", "max_points", "rank_change", "value_change", "previous_derived"]  # fmt: skip
    assert [row.split(",")[0] for row in one_region.content.decode().splitlines()[1:]] == ["48", "46"]


def test_a_page_of_a_ranking_is_answered_from_the_cache(
    client: Client, small_years: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    assert client.get(f"{RANKING}&page=1").status_code == 200
    with django_assert_num_queries(0):
        again = client.get(f"{RANKING}&page=1")

    assert again.json()["count"] == 3


@pytest.mark.parametrize("query", ["year=2024&level=province&group=towns", "year=2024&level=city",
                                   "level=province", "year=2024.5&level=province"])  # fmt: skip
def test_a_bad_ranking_parameter_answers_400_naming_it(small_years: None, query: str) -> None:
    response = APIClient().get(f"/api/v1/rankings/?{query}")

    names = {"group": "group", "city": "level", "2024.5": "year"}
    assert response.status_code == 400
    assert list(response.json()) == [next((name for text, name in names.items() if text in query), "year")]


def test_the_published_campaigns_come_in_pages_and_filter_by_year_level_and_state(small_years: None) -> None:
    api = APIClient()

    every = api.get("/api/v1/campaigns/").json()
    first = api.get("/api/v1/campaigns/", {"page_size": 2}).json()
    of_2024 = api.get("/api/v1/campaigns/", {"year": 2024}).json()["results"]
    ministries = api.get("/api/v1/campaigns/", {"level": "ministry", "state": "published"}).json()["results"]
    open_ones = api.get("/api/v1/campaigns/", {"state": "open"}).json()

    assert [(row["year"], row["level"], row["state"]) for row in every["results"]] == [
        (2025, "province", "published"), (2024, "province", "published"), (2024, "ministry", "published"),
    ]  # fmt: skip
    assert (first["count"], len(first["results"])) == (3, 2)
    assert first["next"] == "http://testserver/api/v1/campaigns/?page=2&page_size=2"
    assert [(row["year"], row["level"]) for row in of_2024] == [(2024, "province"), (2024, "ministry")]
    assert [(row["year"], row["level"]) for row in ministries] == [(2024, "ministry")]
    assert (open_ones["count"], open_ones["results"]) == (0, [])


@pytest.mark.parametrize("query", ["state=closed", "level=city", "year=abc"])
def test_a_bad_campaigns_filter_answers_400_naming_it(small_years: None, query: str) -> None:
    response = APIClient().get(f"/api/v1/campaigns/?{query}")

    assert (response.status_code, list(response.json())) == (400, [query.split("=")[0]])


def test_the_campaigns_csv_is_the_whole_list(client: Client, small_years: None) -> None:
    response = client.get("/api/v1/campaigns/?format=csv&page_size=1")

    assert len(response.content.decode().splitlines()) == 4
