"""Historic results: the published DTI 2021 tables imported as a frozen snapshot and served by the API."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from rest_framework.test import APIClient

from rankings.models import Publication, PublishedResult
from submissions.models import Campaign
from tests.rankings.conftest import RESULTS

pytestmark = pytest.mark.django_db


def published_rows(level: str) -> dict[str, dict[str, str]]:
    with (RESULTS / f"dti-2021-{level}.csv").open(encoding="utf-8") as file:
        return {row["organisation"]: row for row in csv.DictReader(file)}


def as_table(response_json: dict) -> dict[str, tuple[Decimal, int]]:
    return {row["organisation_name"]: (Decimal(str(row["value"])), row["rank"]) for row in response_json["results"]}


def expected(level: str, names: list[str] | None = None) -> dict[str, tuple[Decimal, int]]:
    rows = published_rows(level)
    return {name: (Decimal(row["published_value"].replace(",", ".")), int(row["published_rank"]))
            for name, row in rows.items() if names is None or name in names}  # fmt: skip


def test_the_2021_province_ranking_is_the_published_table(published_2021: None) -> None:
    response = APIClient().get("/api/v1/rankings/?year=2021&level=province&page_size=100")

    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["level"], body["index"]) == (2021, "province", "dti")
    assert (body["count"], len(body["results"]), body["next"]) == (63, 63, None)
    assert as_table(body) == expected("province")
    first = body["results"][0]
    assert (first["organisation_code"], first["value"], first["rank"], first["max_points"]) == ("48", 0.6419, 1, 1000.0)


def test_ministries_are_ranked_within_their_two_groups(published_2021: None) -> None:
    client = APIClient()

    with_services = client.get("/api/v1/rankings/?year=2021&level=ministry&group=public_services").json()
    without = client.get("/api/v1/rankings/?year=2021&level=ministry&group=no_public_services").json()

    assert len(with_services["results"]) == 17
    assert len(without["results"]) == 9
    assert {**as_table(with_services), **as_table(without)} == expected("ministry")


def test_the_province_reconciliation_finds_no_difference(published_2021: None) -> None:
    publication = Publication.objects.latest_for(year=2021, level="province")

    assert publication is not None
    assert [line for line in publication.reconciliation if "≠" in line] == []
    assert (
        PublishedResult.objects.filter(publication=publication, index="dti")
        .exclude(rank=models_computed_rank())
        .count()
        == 0
    )


def models_computed_rank() -> F:
    return F("computed_rank")


def test_a_pillar_shows_the_published_figure(published_2021: None) -> None:
    body = APIClient().get("/api/v1/rankings/?year=2021&level=province&index=CQS").json()

    danang = next(row for row in body["results"] if row["organisation_code"] == "48")
    assert (danang["value"], danang["rank"]) == (0.6868, 1)


def test_a_file_with_an_unknown_unit_and_a_bad_number_imports_nothing(db: None, tmp_path: Path) -> None:
    call_command("load_reference_data")
    path = tmp_path / "ket-qua.csv"
    lines = (RESULTS / "dti-2021-province.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("Thừa Thiên - Huế", "Tỉnh Không Có")
    lines[3] = lines[3].replace('"0,8500"', '"tám mươi"', 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command(
            "import_results", str(path), "--year", "2021", "--level", "province", "--published-on", "08/08/2022"
        )

    message = str(raised.value)
    assert "Dòng 3, cột A: không có đơn vị “Tỉnh Không Có” trong năm 2021." in message
    assert "Dòng 4, cột B (1): giá trị phải là số từ 0 đến 1; nhận được “tám mươi”." in message
    assert not Campaign.objects.exists()
    assert not Publication.objects.exists()


def test_a_correction_is_a_new_version_and_the_first_stays_readable(published_2021: None) -> None:
    call_command("import_results", str(RESULTS / "dti-2021-province.csv"), "--year", "2021", "--level", "province",
                 "--revision-note", "Sửa lỗi chính tả tên đơn vị")  # fmt: skip

    versions = list(Publication.objects.filter(campaign__year=2021, campaign__level="province")
                    .order_by("version").values_list("version", "revision_note"))  # fmt: skip
    assert versions == [(1, ""), (2, "Sửa lỗi chính tả tên đơn vị")]
    assert PublishedResult.objects.filter(publication__version=1, publication__campaign__level="province",
                                          index="dti").count() == 63  # fmt: skip


@pytest.mark.parametrize(
    ("query", "status"),
    [("year=2019&level=province", 404), ("year=abc&level=province", 400), ("year=2021&level=city", 400),
     ("year=2021&level=province&index=nothing", 404)],
)  # fmt: skip
def test_bad_or_unpublished_queries_are_answered_clearly(published_2021: None, query: str, status: int) -> None:
    assert APIClient().get(f"/api/v1/rankings/?{query}").status_code == status


def test_the_next_year_shows_each_units_change_in_value_and_rank(published_2021: None, tmp_path: Path) -> None:
    rows = list(published_rows("province").values())
    mains = ["1", "2", "3", "4", "5", "7", "8", "9"]
    path = tmp_path / "dti-2022.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["organisation", *mains])
        for row in rows:
            values = ["0,5000"] * len(mains) if row["organisation"] == "TP. Đà Nẵng" else [row[m] for m in mains]
            writer.writerow([row["organisation"], *values])
    call_command("import_results", str(path), "--year", "2022", "--level", "province",
                 "--framework", "dti-2022-province", "--published-on", "2023-08-01")  # fmt: skip

    body = APIClient().get("/api/v1/rankings/?year=2022&level=province").json()

    by_code = {row["organisation_code"]: row for row in body["results"]}
    assert (by_code["48"]["value"], by_code["48"]["rank"]) == (0.5, 6)
    assert (by_code["48"]["value_change"], by_code["48"]["rank_change"]) == (-0.1419, -5)
    assert (by_code["46"]["rank"], by_code["46"]["rank_change"], by_code["46"]["value_change"]) == (1, 1, 0.0)
