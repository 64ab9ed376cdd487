"""The organisations list of the API: in pages, filtered by year, level, peer group and region."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation, Region

pytestmark = pytest.mark.django_db


def codes(**query: str | int) -> list[str]:
    response = APIClient().get("/api/v1/organisations/", query)
    assert response.status_code == 200, response.json()
    return [row["code"] for row in response.json()["results"]]


@pytest.fixture
def two_regions(organisations: dict[str, Organisation]) -> None:
    """Quảng Nam moved to a second region, for the region filter to tell them apart."""
    north = Region.objects.create(code="dong-bang-song-hong", name="Đồng bằng sông Hồng", order=1)
    Organisation.objects.filter(code="49").update(region=north)


@pytest.mark.usefixtures("two_regions")
def test_organisations_filter_by_region_group_level_and_year() -> None:
    assert codes(region="dong-bang-song-hong") == ["49"]
    assert codes(region="bac-trung-bo-duyen-hai-mien-trung", year=2025) == ["46", "48-2025"]
    assert codes(group="public_services") == ["BTC"]
    assert codes(level="authority") == ["authority"]
    assert codes(level="province", year=2024) == ["46", "48", "49"]
    assert codes(group="province", region="dong-bang-song-hong", year=2025) == []


@pytest.mark.usefixtures("two_regions")
def test_the_organisations_list_comes_in_pages() -> None:
    client = APIClient()

    first = client.get("/api/v1/organisations/", {"page_size": 4}).json()
    last = client.get(first["next"]).json()

    assert (first["count"], len(first["results"]), first["previous"]) == (6, 4, None)
    assert first["next"] == "http://testserver/api/v1/organisations/?page=2&page_size=4"
    assert ([row["code"] for row in last["results"]], last["next"]) == (["48-2025", "49"], None)
    assert client.get("/api/v1/organisations/", {"page_size": 4, "page": 3}).status_code == 404


@pytest.mark.usefixtures("organisations")
@pytest.mark.parametrize("query", ["region=nowhere", "group=towns", "level=city", "year=2024.5", "year=1999"])
def test_a_bad_organisation_filter_answers_400_naming_it(query: str) -> None:
    response = APIClient().get(f"/api/v1/organisations/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


@pytest.mark.usefixtures("organisations")
def test_one_organisation_is_found_whatever_the_filters_say() -> None:
    # Đà Nẵng (48) ended in 2024; its page still answers, with its names of the year asked for.
    response = APIClient().get("/api/v1/organisations/48/?year=2025&level=ministry")

    assert (response.status_code, response.json()["code"]) == (200, "48")
