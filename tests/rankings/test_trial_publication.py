"""A trial campaign's publication: signed-in users see it, marked as a trial on every page; anonymous visitors,
exports they could download, the national report's page and the API (whoever asks) never get it; an official
table of the same year stands apart from it and comes first."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from indicators.models import Framework
from rankings.models import Publication
from rankings.services import import_results, publish_campaign
from submissions.models import Answer, Campaign, Submission, SubmissionState
from submissions.services.campaigns import open_campaign

pytestmark = pytest.mark.django_db

TRIAL = "Chạy thử — không phải kết quả chính thức"
TRIAL_PAGES = [
    "/results/2026/province/",
    "/results/2026/province/?format=csv",
    "/results/2026/province/?format=xlsx",
    "/results/2026/province/methodology/",
    "/results/2026/province/report/",
    "/results/units/48-2025/?year=2026",
    "/results/units/48-2025/?year=2026&format=pdf",
    "/results/compare/?unit=48-2025&unit=46&year=2026",
]


@pytest.fixture
def trial_2026(small_years: None, administrator: User) -> Publication:
    """A trial campaign of 2026 on the small framework, published: Đà Nẵng 0,6, Huế 0,1 (official years:
    2024 and 2025, from `small_years`)."""
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="DTI 2026 cấp tỉnh (chạy thử)", year=2026, level="province", is_trial=True,
        framework=Framework.objects.get(code="thu-nghiem"), groups=["province"], entry_opens=today,
        entry_closes=today, appraisal_closes=today, explanation_closes=today, final_appraisal_closes=today,
        publication_date=today, created_by=administrator,
    )  # fmt: skip
    open_campaign(campaign=campaign, by=administrator)
    answers = Answer.objects.filter(submission__campaign=campaign)
    answers.filter(node__key="1.1.1").update(value=Decimal(1))
    answers.filter(node__key="1.1.2", submission__organisation__code="48-2025").update(value=Decimal(100))
    answers.filter(node__key="1.2.1", submission__organisation__code="48-2025").update(choice="Hằng tuần")
    # Test set-up, not the workflow under test: the units' results are taken as settled.
    Submission.objects.filter(campaign=campaign).update(state=SubmissionState.FINALISED)
    return publish_campaign(campaign_id=campaign.pk, by=administrator)


@pytest.fixture
def signed_in(hue_reporter: User) -> Client:
    """Any signed-in user: here Huế's reporter (a browser of its own, beside the anonymous `client`)."""
    browser = Client()
    browser.force_login(hue_reporter)
    return browser


def test_an_anonymous_visitor_gets_no_page_of_a_trial_publication(client: Client, trial_2026: Publication) -> None:
    assert {url: client.get(url).status_code for url in TRIAL_PAGES} == dict.fromkeys(TRIAL_PAGES, 404)


def test_an_anonymous_visitor_finds_no_trial_in_the_home_page_the_lists_or_a_profile(
    client: Client, trial_2026: Publication
) -> None:
    home = client.get("/").content.decode()
    profile = client.get("/results/units/48-2025/").content.decode()
    compare = client.get("/results/compare/?unit=48-2025&unit=46").content.decode()

    assert "Kết quả DTI 2025" in home
    assert "DTI 2026" not in home
    assert TRIAL not in home
    assert client.get("/results/").headers["Location"] == "/results/2025/province/"
    history = profile.split('id="history-table"')[1].split("</table>")[0]
    assert [year for year in ("2024", "2025", "2026") if f"<td>{year}</td>" in history] == ["2024", "2025"]
    assert "?year=2026" not in profile
    assert TRIAL not in profile
    assert "So sánh đơn vị — DTI 2025</h1>" in compare
    assert TRIAL not in compare


def test_a_signed_in_user_sees_the_trial_marked_wherever_it_appears(signed_in: Client, trial_2026: Publication) -> None:
    responses = {url: signed_in.get(url) for url in TRIAL_PAGES}
    html = [url for url in TRIAL_PAGES if "format=" not in url]

    assert {url: response.status_code for url, response in responses.items()} == dict.fromkeys(TRIAL_PAGES, 200)
    assert [url for url in html if TRIAL not in responses[url].content.decode()] == []
    assert all("private" in responses[url].headers["Cache-Control"] for url in TRIAL_PAGES)
    table = list(csv.reader(io.StringIO(responses["/results/2026/province/?format=csv"].content.decode("utf-8-sig"))))
    assert table[0][-1] == "note"
    assert {row[-1] for row in table[1:]} == {TRIAL}
    assert "chay-thu" in responses["/results/2026/province/?format=xlsx"].headers["Content-Disposition"]
    # The home page leads with the newest official year and lists the trial, marked.
    home = signed_in.get("/").content.decode()
    assert "Kết quả DTI 2025" in home
    years = home.split('class="years-list"')[1].split("</ul>")[0]
    assert f'DTI 2026 — Tỉnh, thành phố</a> <span class="badge badge-warn trial-badge">{TRIAL}</span>' in years
    profile = signed_in.get("/results/units/48-2025/").content.decode()
    history = profile.split('id="history-table"')[1].split("</table>")[0]
    assert (
        f'<td>2026</td><td class="number">0,6000</td><td class="number">1 <span class="badge badge-warn">{TRIAL}'
        in (history)
    )


def test_the_api_never_gives_a_trial_even_to_a_signed_in_client(trial_2026: Publication, hue_reporter: User) -> None:
    api = APIClient()
    api.force_authenticate(hue_reporter)

    ranking = api.get("/api/v1/rankings/?year=2026&level=province")
    campaigns = api.get("/api/v1/campaigns/").json()["results"]
    unit = api.get("/api/v1/organisations/48-2025/results/").json()

    assert ranking.status_code == 404
    assert api.get("/api/v1/organisations/48-2025/results/?year=2026").status_code == 404
    assert sorted((item["year"], item["level"]) for item in campaigns) == [
        (2024, "ministry"), (2024, "province"), (2025, "province"),
    ]  # fmt: skip
    assert unit["year"] == 2025
    assert "chạy thử" not in api.get("/api/v1/campaigns/?format=csv").content.decode()


def test_an_official_table_of_a_trials_year_is_filed_apart_and_shown_instead(
    client: Client, signed_in: Client, trial_2026: Publication, administrator: User
) -> None:
    imported = import_results(content=b"organisation,1,2\n48-2025,0.9,0.9\n46,0.8,0.8\n", filename="kq.csv",
                              year=2026, level="province", framework_code="thu-nghiem", by=administrator,
                              published_on=timezone.localdate())  # fmt: skip

    official = imported.publication
    assert (official.version, official.is_trial, official.campaign_id != trial_2026.campaign_id) == (1, False, True)
    for reader in (client, signed_in):
        page = reader.get("/results/2026/province/").content.decode()
        assert f"Công bố {timezone.localdate():%d/%m/%Y} · phiên bản 1" in page
        assert TRIAL not in page
    assert APIClient().get("/api/v1/rankings/?year=2026&level=province").json()["results"][0]["value"] == 0.9


def test_a_trial_is_never_the_previous_year_of_an_official_table(
    signed_in: Client, trial_2026: Publication, administrator: User
) -> None:
    import_results(content=b"organisation,1,2\n48-2025,0.9,0.9\n46,0.8,0.8\n", filename="kq.csv", year=2027,
                   level="province", framework_code="thu-nghiem", by=administrator,
                   published_on=timezone.localdate())  # fmt: skip

    rows = APIClient().get("/api/v1/rankings/?year=2027&level=province").json()["results"]

    assert [(row["organisation_code"], row["value_change"], row["rank_change"]) for row in rows] == [
        ("48-2025", None, None), ("46", None, None),
    ]  # fmt: skip
