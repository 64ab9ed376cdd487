"""How robust each published rank is: computed once per publication as it commits, stored with its seed, the
same bands for the same publication; served by the API and shown on the ranking page, the profile and the
method."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient
from schemathesis.checks import response_schema_conformance

from accounts.models import User
from dti_portal.wsgi import application
from rankings import tasks
from rankings.models import Publication, PublishedResult, RobustnessResult
from rankings.services import compute_robustness, publish_campaign, robustness_of, robustness_seed
from submissions.models import Campaign, Submission, SubmissionState
from tests.rankings.conftest import PUBLISHED_2021, RESULTS

pytestmark = pytest.mark.django_db

API = "/api/v1/rankings/robustness/"
FIELDS = ["organisation_code", "group", "rank", "median_rank", "rank_p05", "rank_p95", "organisation_name"]


@pytest.fixture
def no_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """The national reports are left unbuilt: these tests are about the bands, built as publication commits."""
    monkeypatch.setattr(tasks.build_national_report, "delay", lambda **_kwargs: None)


@pytest.fixture
def import_2021(
    db: None, no_reports: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> Callable[[str], None]:
    call_command("load_reference_data")

    def run(level: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("import_results", str(RESULTS / f"dti-2021-{level}.csv"), "--year", "2021", "--level",
                         level, "--published-on", PUBLISHED_2021)  # fmt: skip

    return run


@pytest.fixture
def banded_2021(import_2021: Callable[[str], None]) -> None:
    """Both DTI 2021 tables as `make setup` imports them, their bands computed as each import committed."""
    import_2021("province")
    import_2021("ministry")


def test_importing_the_2021_table_computes_a_band_for_each_of_its_63_units_as_it_commits(
    import_2021: Callable[[str], None],
) -> None:
    import_2021("province")

    result = RobustnessResult.objects.get(publication__campaign__year=2021, publication__campaign__level="province")
    published = dict(
        PublishedResult.objects.filter(publication=result.publication, index="dti").values_list(
            "organisation__code", "rank"
        )
    )
    assert result.state == "done"
    assert len(result.rows) == 63
    assert {row["organisation_code"]: row["rank"] for row in result.rows} == published
    assert all(row["rank_p05"] <= row["median_rank"] <= row["rank_p95"] for row in result.rows)
    # Đà Nẵng leads DTI 2021 by 0,0547 and stays first under every alternative; the last province stays last.
    assert result.rows[0] == {"organisation_code": "48", "group": "province", "rank": 1, "median_rank": 1,
                              "rank_p05": 1, "rank_p95": 1}  # fmt: skip
    assert (result.rows[-1]["rank"], result.rows[-1]["rank_p05"], result.rows[-1]["rank_p95"]) == (63, 63, 63)
    assert result.seed == robustness_seed(result.publication)
    assert (result.draws, float(result.spread), result.method["scenarios"]) == (1000, 0.25, 1002)


def test_the_same_publication_computed_again_gives_the_same_bands(banded_2021: None) -> None:
    result = RobustnessResult.objects.get(publication__campaign__level="province")
    first = result.rows
    RobustnessResult.objects.filter(pk=result.pk).update(state="queued", rows=[], method={})

    again = compute_robustness(result_id=result.pk)

    assert again.rows == first
    assert again.seed == result.seed


def test_the_seed_is_derived_from_the_publication_so_every_installation_gets_the_same_one(
    banded_2021: None,
) -> None:
    seeds = {
        (r.publication.campaign.level, r.publication.version): r.seed
        for r in RobustnessResult.objects.select_related("publication__campaign")
    }

    # The first four bytes of SHA-256 of "dti-robustness|2021|<level>|official|v1".
    assert seeds == {("province", 1): 2454977997, ("ministry", 1): 628481065}


def test_the_api_gives_the_method_and_each_units_band_in_the_tables_order(banded_2021: None) -> None:
    response = APIClient().get(f"{API}?year=2021&level=province")

    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["level"], body["version"], body["coverage"]) == (2021, "province", 1,
                                                                                {"units": 63, "of": 63})  # fmt: skip
    assert body["method"] == {
        "draws": 1000,
        "spread": 0.25,
        "seed": 2454977997,
        "alternatives": [
            {"code": "weights_drawn", "scenarios": 1000},
            {"code": "equal_weights", "scenarios": 1},
            {"code": "geometric_mean", "scenarios": 1, "floor": 0.01},
        ],
        "scenarios": 1002,
        "percentiles": [5, 50, 95],
        "percentile_method": "inverted_cdf",
        "places": 4,
    }
    assert len(body["results"]) == 63
    assert sorted(body["results"][0]) == sorted(FIELDS)
    assert body["results"][0] == {"organisation_code": "48", "organisation_name": "TP. Đà Nẵng",
                                  "group": "province", "rank": 1, "median_rank": 1, "rank_p05": 1,
                                  "rank_p95": 1}  # fmt: skip
    assert [row["rank"] for row in body["results"]] == sorted(row["rank"] for row in body["results"])


def test_the_api_picks_the_group_asked_for(banded_2021: None) -> None:
    client = APIClient()

    with_services = client.get(f"{API}?year=2021&level=ministry&group=public_services").json()["results"]
    without = client.get(f"{API}?year=2021&level=ministry&group=no_public_services").json()["results"]
    every = client.get(f"{API}?year=2021&level=ministry").json()["results"]
    unknown = client.get(f"{API}?year=2021&level=ministry&group=nobody").json()["results"]

    assert (len(with_services), len(without), len(every), unknown) == (17, 9, 26, [])
    assert {row["group"] for row in with_services} == {"public_services"}
    assert (with_services[0]["organisation_code"], without[0]["organisation_code"]) == ("BTC", "VHLKHCN")
    assert every == with_services + without


def test_the_api_answers_csv_with_one_line_per_unit(banded_2021: None) -> None:
    response = APIClient().get(f"{API}?year=2021&level=province&format=csv")

    lines = response.content.decode().splitlines()
    assert lines[0] == "organisation_code,organisation_name,group,rank,median_rank,rank_p05,rank_p95"
    assert lines[1] == "48,TP. Đà Nẵng,province,1,1,1,1"
    assert len(lines) == 64


@pytest.mark.parametrize(
    ("query", "status"),
    [("year=2019&level=province", 404), ("year=2021&level=national", 400), ("level=province", 400)],
)
def test_a_year_not_published_is_not_found_and_a_bad_parameter_is_refused(
    banded_2021: None, query: str, status: int
) -> None:
    assert APIClient().get(f"{API}?{query}").status_code == status


def test_bands_still_being_computed_are_not_found_yet_and_not_asked_for_twice(published_2021: None) -> None:
    # Imported without its commit's callbacks: the bands are queued, not computed.
    response = APIClient().get(f"{API}?year=2021&level=province")

    assert response.status_code == 404
    assert "đang được tính" in response.json()["detail"]
    assert set(RobustnessResult.objects.values_list("state", flat=True)) == {"queued"}


def test_a_trials_bands_are_never_given_by_the_api(banded_2021: None) -> None:
    Campaign.objects.filter(year=2021, level="province").update(is_trial=True)

    assert APIClient().get(f"{API}?year=2021&level=province").status_code == 404


def test_the_answer_is_cached_and_reads_no_query_warm(
    banded_2021: None, client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    url = f"{API}?year=2021&level=province"
    with django_assert_num_queries(3):
        first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
        unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert (first.status_code, again.status_code, unchanged.status_code) == (200, 200, 304)
    assert first["Cache-Control"] == "public, max-age=300"


def test_a_publication_older_than_its_bands_gets_them_when_a_reader_asks(
    banded_2021: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    publication = Publication.objects.get(campaign__level="province")
    RobustnessResult.objects.filter(publication=publication).delete()

    with django_capture_on_commit_callbacks(execute=True):
        assert robustness_of(publication) is None  # asked for; computed once the request commits
    found = robustness_of(publication)

    assert found is not None
    assert (found.state, len(found.rows), found.rows[0]["organisation_code"]) == ("done", 63, "48")


def test_a_failed_or_lost_run_is_asked_for_again_and_a_queued_one_is_not(
    published_2021: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(tasks.compute_robustness_task, "delay", lambda *, result_id: queued.append(result_id))
    publication = Publication.objects.get(campaign__level="province")
    result = RobustnessResult.objects.get(publication=publication)
    asked = []

    for state, requested_at in [("queued", timezone.now()), ("failed", timezone.now()),
                                ("running", timezone.now() - datetime.timedelta(minutes=11))]:  # fmt: skip
        RobustnessResult.objects.filter(pk=result.pk).update(state=state, requested_at=requested_at)
        with django_capture_on_commit_callbacks(execute=True):
            robustness_of(publication)
        asked.append(len(queued))

    assert asked == [0, 1, 2]
    assert queued == [result.pk, result.pk]
    assert RobustnessResult.objects.get(pk=result.pk).state == "queued"


def test_the_ranking_page_shows_each_units_band_its_error_bar_chart_and_the_table(
    banded_2021: None, client: Client
) -> None:
    page = client.get("/results/2021/province/").content.decode()

    assert "Khoảng hạng theo các phương án tính" in page
    row = re.search(r'<tr data-code="22">.*?</tr>', page, re.S)
    assert row is not None
    assert '<td class="number band">6–12</td>' in row.group(0)
    chart = json.loads(re.search(r'<script id="bands-chart-province" type="application/json">(.*?)</script>',
                                 page, re.S).group(1))  # type: ignore[union-attr]  # fmt: skip
    assert (chart["labels"][0], chart["low"][0], chart["high"][0], chart["median"][0], chart["rank"][0]) == (
        "TP. Đà Nẵng", 1, 1, 1, 1)  # fmt: skip
    assert (len(chart["labels"]), chart["max"]) == (63, 63)
    assert 'data-kind="bands"' in page
    details = page.split('id="bands-table-province"')[1].split("</table>")[0]
    assert details.count("<tr data-code=") == 63
    assert 'id="bands-pending"' not in page


def test_the_band_is_only_for_the_dti_tables_page(banded_2021: None, client: Client) -> None:
    main_index = client.get("/results/2021/province/?index=3").content.decode()

    assert "Khoảng hạng theo các phương án tính" not in main_index
    assert 'data-kind="bands"' not in main_index


def test_the_ranking_page_says_the_bands_are_on_their_way_while_they_are_computed(
    published_2021: None, client: Client
) -> None:
    page = client.get("/results/2021/province/").content.decode()

    assert 'id="bands-pending"' in page
    assert 'data-kind="bands"' not in page


def test_the_profile_says_the_rank_and_its_band_in_words_and_draws_it(banded_2021: None, client: Client) -> None:
    page = client.get("/results/units/22/?year=2021").content.decode()

    assert "DTI 2021: hạng 7, trong khoảng 6–12 theo các phương án tính (hạng trung vị 8)." in page
    chart = json.loads(re.search(r'<script id="band-chart" type="application/json">(.*?)</script>', page,
                                 re.S).group(1))  # type: ignore[union-attr]  # fmt: skip
    assert chart == {"labels": ["Quảng Ninh"], "low": [6], "high": [12], "median": [8], "rank": [7], "max": 63}


def test_a_unit_no_alternative_moves_is_said_to_hold_its_rank_under_every_one(
    banded_2021: None, client: Client
) -> None:
    page = client.get("/results/units/48/?year=2021").content.decode()

    assert "DTI 2021: hạng 1 theo mọi phương án tính." in page


def test_the_method_explains_the_alternatives_and_names_the_publications_seed(
    banded_2021: None, client: Client
) -> None:
    page = client.get("/results/2021/province/methodology/").content.decode()

    assert 'id="robustness"' in page
    assert "Trọng số bằng nhau." in page
    assert "Trung bình nhân thay cho trung bình cộng." in page
    assert "tăng hoặc giảm tối đa 25 %" in page
    assert "hạt giống ngẫu nhiên 2454977997" in page


def test_publishing_a_campaign_computes_its_bands_once_committed(
    submitted_danang: Submission,
    hue_submission: Submission,
    administrator: User,
    no_reports: None,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    Submission.objects.filter(campaign=submitted_danang.campaign).update(state=SubmissionState.FINALISED)

    with django_capture_on_commit_callbacks(execute=True):
        publication = publish_campaign(campaign_id=submitted_danang.campaign_id, by=administrator)

    result = RobustnessResult.objects.get(publication=publication)
    published = dict(
        PublishedResult.objects.filter(publication=publication, index="dti").values_list("organisation__code", "rank")
    )
    assert result.state == "done"
    assert published == {"48": 1, "46": 2, "49": 2}
    # Huế and Quảng Nam reported nothing yet: equal in every main index, they share 2nd place in every scenario.
    assert [(row["organisation_code"], row["rank"], row["median_rank"], row["rank_p05"], row["rank_p95"])
            for row in result.rows] == [("48", 1, 1, 1, 1), ("46", 2, 2, 2, 2), ("49", 2, 2, 2, 2)]  # fmt: skip
    assert result.method["seed"] == result.seed == robustness_seed(publication)


def test_the_answer_conforms_to_the_apis_own_schema(banded_2021: None) -> None:
    # As Django's test client does: a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
        operation = schema["/api/v1/rankings/robustness/"]["GET"]
        for query in (
            {"year": 2021, "level": "province"},
            {"year": 2021, "level": "ministry", "group": "public_services"},
        ):
            response = operation.Case(query=query).call_and_validate(checks=[response_schema_conformance])
            assert response.status_code == 200
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
