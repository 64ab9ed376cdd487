"""Every CSV the portal produces is safe to open in Excel: text a spreadsheet would run as a formula
(starting with = + - @ tab or CR) is written with a leading apostrophe; numbers stay numbers, a
negative change keeps its minus sign."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from indicators.models import Node
from indicators.services import import_framework
from rankings.models import Publication
from rankings.services import import_results
from submissions.models import Campaign
from tests.indicators.builders import small_framework

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '=HYPERLINK("http://evil.example","Huế")'


@pytest.fixture
def hostile_texts(organisations: dict[str, Organisation], administrator: User) -> None:
    """2024 and 2025 results, Huế falling from 0,5 to 0,3; a unit, a campaign, a revision note and a
    main index whose printed text starts like a formula."""
    import_framework(data=small_framework("thu-nghiem"))
    for year, rows in [(2024, "48,0.8,0.5\n46,0.5,0.5\n"), (2025, "48-2025,0.7,0.7\n46,0.3,0.3\n")]:
        # Quảng Nam is not in the 2024 table: published as partial, dated the March after the year.
        import_results(content=f"organisation,1,2\n{rows}".encode(), filename="kq.csv", year=year, level="province",
                       framework_code="thu-nghiem", by=administrator, published_on=datetime.date(year + 1, 3, 1),
                       partial=True)  # fmt: skip
    Organisation.objects.filter(code="46").update(short_name=HOSTILE_NAME, renamed=[])
    Campaign.objects.filter(year=2025).update(name="+DTI 2025 cấp tỉnh")
    Publication.objects.filter(campaign__year=2025).update(revision_note="-1 đơn vị, @SUM(1+1)")
    Node.objects.filter(framework__code="thu-nghiem", key="1").update(code="\t=1+1")


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_rankings_api_csv_neutralises_a_units_name_and_keeps_a_negative_change_a_number(
    hostile_texts: None,
) -> None:
    response = APIClient().get("/api/v1/rankings/?year=2025&level=province&format=csv")

    hue = next(row for row in rows_of(response.content) if row["organisation_code"] == "46")
    assert response.status_code == 200
    assert hue["organisation_name"] == "'" + HOSTILE_NAME
    assert (hue["value"], hue["value_change"], hue["rank_change"]) == ("0.3", "-0.2", "0")


def test_the_ranking_pages_csv_neutralises_a_units_name_and_keeps_a_negative_change_a_number(
    client: Client, hostile_texts: None
) -> None:
    response = client.get("/results/2025/province/?format=csv")

    hue = next(row for row in rows_of(response.content) if row["organisation_code"] == "46")
    assert response.status_code == 200
    assert hue["organisation_name"] == "'" + HOSTILE_NAME
    assert (hue["value"], hue["value_change"], hue["rank_change"]) == ("0.3000", "-0.2000", "0")


def test_the_organisation_results_csv_neutralises_an_index_label(hostile_texts: None) -> None:
    response = APIClient().get("/api/v1/organisations/46/results/?year=2025&format=csv")

    labels = {row["index"]: row["label"] for row in rows_of(response.content)}
    assert response.status_code == 200
    assert labels["1"] == "'\t=1+1. Nhận thức số"


def test_the_campaigns_csv_neutralises_a_campaign_name_and_a_revision_note(hostile_texts: None) -> None:
    response = APIClient().get("/api/v1/campaigns/?format=csv")

    latest = next(row for row in rows_of(response.content) if row["year"] == "2025")
    assert response.status_code == 200
    assert (latest["name"], latest["revision_note"]) == ("'+DTI 2025 cấp tỉnh", "'-1 đơn vị, @SUM(1+1)")


@pytest.mark.usefixtures("hostile_texts")
def test_a_renamed_unit_is_named_as_it_was_in_each_published_year() -> None:
    Organisation.objects.filter(code="46").update(
        short_name="Thừa Thiên Huế", renamed=[{"from_year": 2025, "name": "Thành phố Huế", "short_name": "Huế"}]
    )
    api = APIClient()

    names = {
        year: {row["organisation_code"]: row["organisation_name"] for row in api.get(
            f"/api/v1/rankings/?year={year}&level=province").json()["results"]}
        for year in (2024, 2025)
    }  # fmt: skip

    assert (names[2024]["46"], names[2025]["46"]) == ("Thừa Thiên Huế", "Huế")
