"""A partial table is never published as the year's ranking: it is refused, naming the missing units, unless
published explicitly as partial, and then marked so on every page and in the API. An imported year is dated
the day it was published."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from common.errors import Rejected
from rankings.models import Publication
from rankings.services import import_results, publish_campaign
from submissions.models import Submission, SubmissionState
from tests.rankings.conftest import RESULTS

pytestmark = pytest.mark.django_db

PARTIAL = "Công bố một phần (5/63 đơn vị)"


@pytest.fixture
def five_provinces_2022(db: None, tmp_path: Path) -> Path:
    """The first five rows of the 2021 province table, as a 2022 table of the 2022 framework."""
    call_command("load_reference_data")
    mains = ["1", "2", "3", "4", "5", "7", "8", "9"]
    with (RESULTS / "dti-2021-province.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))[:5]
    path = tmp_path / "dti-2022-5.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["organisation", *mains])
        writer.writerows([row["organisation"], *(row[main] for main in mains)] for row in rows)
    return path


def import_2022(path: Path, *extra: str) -> None:
    call_command("import_results", str(path), "--year", "2022", "--level", "province", "--framework",
                 "dti-2022-province", "--published-on", "01/09/2023", *extra)  # fmt: skip


def test_a_table_lacking_units_of_the_year_is_refused_naming_them(five_provinces_2022: Path) -> None:
    with pytest.raises(CommandError) as raised:
        import_2022(five_provinces_2022)

    message = str(raised.value)
    assert "Bảng thiếu 58/63 đơn vị của năm 2022: An Giang, Bà Rịa - Vũng Tàu, Bạc Liêu," in message
    assert "Yên Bái. Bổ sung các đơn vị này, hoặc công bố một phần (--partial)" in message
    assert "TP. Đà Nẵng" not in message.split("Bảng thiếu")[1]
    assert not Publication.objects.exists()


def test_a_partial_table_published_as_such_says_so_on_every_page(five_provinces_2022: Path, client: Client) -> None:
    import_2022(five_provinces_2022, "--partial")

    pages = {
        url: client.get(url).content.decode()
        for url in ["/", "/results/2022/province/", "/results/2022/province/methodology/",
                    "/results/2022/province/report/", "/results/units/48/?year=2022",
                    "/results/compare/?unit=48&unit=46&year=2022"]
    }  # fmt: skip

    assert [url for url, page in pages.items() if PARTIAL not in page] == []
    history = pages["/results/units/48/?year=2022"].split('id="history-table"')[1].split("</table>")[0]
    assert f'<td class="number">1 <span class="muted">({PARTIAL})</span></td>' in history
    publication = Publication.objects.get(campaign__year=2022)
    assert (publication.is_partial, publication.coverage) == (True, {"units": 5, "of": 63})


def test_the_api_gives_a_partial_tables_coverage(five_provinces_2022: Path) -> None:
    import_2022(five_provinces_2022, "--partial")
    api = APIClient()

    ranking = api.get("/api/v1/rankings/?year=2022&level=province").json()
    campaigns = api.get("/api/v1/campaigns/").json()["results"]
    unit = api.get("/api/v1/organisations/48/results/?year=2022").json()

    assert (ranking["coverage"], len(ranking["results"])) == ({"units": 5, "of": 63}, 5)
    assert [(item["year"], item["coverage"]) for item in campaigns] == [(2022, {"units": 5, "of": 63})]
    assert unit["coverage"] == {"units": 5, "of": 63}
    assert api.get("/api/v1/campaigns/?format=csv").content.decode().splitlines()[1].endswith(",5/63")


def test_the_complete_2021_tables_are_the_years_rankings(published_2021: None) -> None:
    api = APIClient()

    coverage = {item["level"]: item["coverage"] for item in api.get("/api/v1/campaigns/").json()["results"]}

    # Four ministries of 2021 are not assessed: the ministries' ranking covers the 26 assessed ones.
    assert coverage == {"province": {"units": 63, "of": 63}, "ministry": {"units": 26, "of": 26}}
    assert Organisation.objects.of_level("ministry").valid_in(2021).count() == 30
    assert not any(publication.is_partial for publication in Publication.objects.all())


def test_an_imported_year_is_dated_the_day_it_was_published(published_2021: None, client: Client) -> None:
    ranking = APIClient().get("/api/v1/rankings/?year=2021&level=province").json()
    page = client.get("/results/2021/province/").content.decode()

    assert ranking["published_at"] == "2022-08-08T05:00:00Z"  # noon in Hà Nội: the same day in UTC
    assert "Công bố 08/08/2022 · phiên bản 1" in page


@pytest.mark.parametrize(
    ("published_on", "problem"),
    [
        (None, "Cần ngày công bố của bảng (--published-on dd/mm/yyyy): đó là ngày cổng ghi là ngày công bố kết quả."),
        (datetime.date(2999, 1, 1), "Ngày công bố 01/01/2999 chưa tới."),
    ],
)
def test_a_years_first_table_needs_a_publication_day_that_has_come(
    small_years: None, administrator: User, published_on: datetime.date | None, problem: str
) -> None:
    with pytest.raises(Rejected) as raised:
        import_results(content=b"organisation,1,2\n48,0.8,0.5\n49,0.4,0.7\n46,0.5,0.5\n", filename="kq.csv",
                       year=2023, level="province", framework_code="thu-nghiem", by=administrator,
                       published_on=published_on)  # fmt: skip

    assert raised.value.problems == [problem]


def test_a_correction_needs_its_note_and_cannot_predate_the_version_it_corrects(
    small_years: None, administrator: User
) -> None:
    table = b"organisation,1,2\n48,0.8,0.5\n49,0.4,0.7\n46,0.5,0.6\n"

    with pytest.raises(Rejected) as raised:
        import_results(content=table, filename="kq.csv", year=2024, level="province", framework_code="thu-nghiem",
                       by=administrator, published_on=datetime.date(2025, 2, 1))  # fmt: skip
    corrected = import_results(content=table, filename="kq.csv", year=2024, level="province",
                               framework_code="thu-nghiem", by=administrator,
                               revision_note="Sửa 2 của Huế.")  # fmt: skip

    assert raised.value.problems == [
        "DTI 2024 đã được công bố (phiên bản 1): nhập lại là một bản đính chính, cần ghi chú sửa đổi công khai.",
        "Ngày công bố 01/02/2025 sớm hơn phiên bản 1 (01/03/2025).",
    ]
    assert corrected.publication.version == 2
    assert (
        corrected.publication.published_at
        > Publication.objects.get(version=1, campaign__year=2024, campaign__level="province").published_at
    )


def test_the_admin_publishes_a_partial_table_only_when_asked(small_years: None, client: Client) -> None:
    client.force_login(User.objects.get(username="quantri"))

    def upload(**extra: object) -> str:
        data = {"file": io.BytesIO(b"organisation,1,2\n46,0.5,0.5\n"), "year": 2023, "level": "province",
                "framework": "thu-nghiem", "published_on": "01/03/2024", **extra}  # fmt: skip
        return client.post("/admin/rankings/publication/import/", data, follow=True).content.decode()

    refused = upload()
    published = upload(partial="on")

    assert "Bảng thiếu 2/3 đơn vị của năm 2023: Quảng Nam, TP. Đà Nẵng." in refused
    assert "Công bố một phần (1/3 đơn vị)" in published
    publication = Publication.objects.get(campaign__year=2023)
    assert (publication.coverage, publication.published_at.isoformat()) == (
        {"units": 1, "of": 3},
        "2024-03-01T05:00:00+00:00",  # 01/03/2024, noon in Hà Nội
    )


def test_a_campaigns_publication_covers_all_its_units(
    submitted_danang: Submission, administrator: User, organisations: dict[str, Organisation]
) -> None:
    Submission.objects.filter(campaign=submitted_danang.campaign).update(state=SubmissionState.FINALISED)

    publication = publish_campaign(campaign_id=submitted_danang.campaign_id, by=administrator)

    assert (publication.coverage, publication.is_partial) == ({"units": 3, "of": 3}, False)
