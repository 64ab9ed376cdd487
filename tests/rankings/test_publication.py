"""Publishing a campaign's final results, corrections, and what the public can and cannot see."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient

from accounts.models import User
from common.errors import WorkflowError
from indicators.services import import_framework
from rankings.models import Publication, PublishedResult, ReportExport
from rankings.services import import_results, publish_campaign
from scoring.services import recompute_campaign
from submissions.models import Campaign, Submission, SubmissionState
from submissions.services.appraisal import accept_undecided, appraise_answer, settle_answer
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput, save_answer
from submissions.services.exclusions import exclude_leaf
from tests.indicators.builders import small_framework
from tests.submissions.conftest import answer_of, fill_in

pytestmark = pytest.mark.django_db


def finalise(submission: Submission, appraiser: User, reporter: User, leader: User) -> None:
    """Take a submitted unit through the appraisal (1.1.2 adjusted to 40 %) to its final result."""
    appraise_answer(answer_id=answer_of(submission, "1.1.2").pk, user=appraiser, decision="adjust",
                    reason="Danh sách tập huấn chỉ có 40 % cán bộ.", given=AnswerInput(value=Decimal(40)))  # fmt: skip
    accept_undecided(submission_id=submission.pk, user=appraiser)
    for user, action in [(appraiser, "finish_appraisal"), (reporter, "submit_explanation"), (leader, "approve")]:
        transition_submission(submission_id=submission.pk, user=user, action=action)
    settle_answer(answer_id=answer_of(submission, "1.1.2").pk, user=appraiser, decision="keep")
    transition_submission(submission_id=submission.pk, user=appraiser, action="finalise")


@pytest.fixture
def finalised_campaign(
    submitted_danang: Submission,
    hue_submission: Submission,
    hue_reporter: User,
    appraiser: User,
    danang_reporter: User,
    danang_leader: User,
) -> Campaign:
    """Đà Nẵng taken through appraisal in full; Huế's figures entered and its result settled as reported."""
    finalise(submitted_danang, appraiser, danang_reporter, danang_leader)
    fill_in(hue_submission, hue_reporter)
    Submission.objects.filter(campaign=submitted_danang.campaign).exclude(pk=submitted_danang.pk).update(
        state=SubmissionState.FINALISED
    )
    return submitted_danang.campaign


def dti_table(year: int = 2024) -> list[tuple[str, float, int]]:
    body = APIClient().get(f"/api/v1/rankings/?year={year}&level=province").json()
    return [(row["organisation_code"], row["value"], row["rank"]) for row in body["results"]]


def test_a_finalised_campaign_publishes_its_final_results_ranked(
    finalised_campaign: Campaign, administrator: User
) -> None:
    publication = publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)

    # Đà Nẵng: 10 + 12 (1.1.2 appraised at 40 %) + 10 + 23,75 = 55,75 of 100; Huế as reported: 62,818.
    assert dti_table() == [("46", 0.6282, 1), ("48", 0.5575, 2), ("49", 0.0, 3)]
    assert (publication.version, publication.source) == (1, "computed")
    finalised_campaign.refresh_from_db()
    assert finalised_campaign.state == Campaign.State.PUBLISHED
    assert set(finalised_campaign.submissions.values_list("state", flat=True)) == {"published"}
    assert PublishedResult.objects.filter(publication=publication, index="1.1").count() == 3  # components too


def test_publishing_waits_for_every_unit_and_for_an_administrator(
    submitted_danang: Submission, administrator: User, appraiser: User
) -> None:
    with pytest.raises(PermissionDenied):
        publish_campaign(campaign_id=submitted_danang.campaign_id, by=appraiser)
    with pytest.raises(WorkflowError) as raised:
        publish_campaign(campaign_id=submitted_danang.campaign_id, by=administrator)

    assert str(raised.value) == "Còn 3 đơn vị chưa chốt kết quả: Quảng Nam, TP. Đà Nẵng, Thừa Thiên Huế."
    assert not Publication.objects.exists()


def test_a_correction_is_a_new_version_with_its_note_and_the_first_stays_readable(
    finalised_campaign: Campaign, administrator: User, appraiser: User, client: Client
) -> None:
    first = publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)
    danang = finalised_campaign.submissions.get(organisation__code="48")
    transition_submission(submission_id=danang.pk, user=administrator, action="reopen", comment="Đính chính 1.1.2")
    settle_answer(answer_id=answer_of(danang, "1.1.2").pk, user=appraiser, decision="revise",
                  reason="Bổ sung danh sách: 60 % cán bộ.", given=AnswerInput(value=Decimal(60)))  # fmt: skip
    transition_submission(submission_id=danang.pk, user=appraiser, action="finalise")

    with pytest.raises(WorkflowError):
        publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)
    second = publish_campaign(campaign_id=finalised_campaign.pk, by=administrator,
                              revision_note="Đính chính chỉ số 1.1.2 của Đà Nẵng.")  # fmt: skip

    assert dti_table()[1] == ("48", 0.6175, 2)  # 10 + 18 + 10 + 23,75
    current = client.get("/results/2024/province/").content.decode()
    original = client.get(f"/results/2024/province/?version={first.version}").content.decode()
    campaigns = APIClient().get("/api/v1/campaigns/").json()["results"]
    assert "Đính chính chỉ số 1.1.2 của Đà Nẵng." in current
    assert '<td class="number value">0,6175</td>' in current
    assert '<td class="number value">0,5575</td>' in original
    assert [(item["year"], item["version"], item["revision_note"]) for item in campaigns] == [
        (2024, 2, "Đính chính chỉ số 1.1.2 của Đà Nẵng.")
    ]
    assert [version["version"] for version in campaigns[0]["versions"]] == [1, 2]
    assert second.version == 2


def test_a_recompute_after_publication_never_changes_the_snapshot(
    finalised_campaign: Campaign, administrator: User, hue_reporter: User
) -> None:
    publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)
    before = dti_table()
    Submission.objects.filter(campaign=finalised_campaign, organisation__code="46").update(state="draft")
    hue = finalised_campaign.submissions.get(organisation__code="46")
    Campaign.objects.filter(pk=finalised_campaign.pk).update(state=Campaign.State.OPEN)
    leaf = answer_of(hue, "1.1.1")
    save_answer(
        answer_id=leaf.pk, user=hue_reporter, given=AnswerInput(value=Decimal(0)), expected_version=leaf.version
    )
    recompute_campaign(campaign_id=finalised_campaign.pk)

    assert dti_table() == before


STATES = [state for state in SubmissionState.values if state != SubmissionState.PUBLISHED]


@pytest.mark.parametrize("state", STATES)
def test_nothing_unpublished_reaches_the_public_pages_or_the_api(
    state: str, finalised_campaign: Campaign, client: Client
) -> None:
    Submission.objects.filter(campaign=finalised_campaign).update(state=state)
    recompute_campaign(campaign_id=finalised_campaign.pk)
    api = APIClient()

    home = client.get("/").content.decode()
    responses = [
        client.get("/results/2024/province/").status_code,
        client.get("/results/2024/province/methodology/").status_code,
        client.get("/results/units/48/").status_code,
        api.get("/api/v1/rankings/?year=2024&level=province").status_code,
        api.get("/api/v1/organisations/48/results/?year=2024").status_code,
    ]

    assert responses == [404, 404, 404, 404, 404]
    assert "0,5575" not in home
    assert "DTI 2024" not in home
    assert api.get("/api/v1/campaigns/").json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_merged_units_compare_with_the_mean_of_their_predecessors(
    organisations: dict[str, object], administrator: User
) -> None:
    import_framework(data=small_framework("thu-nghiem"))
    for year, lines in [(2024, "48,0.8,0.5\n49,0.4,0.7\n46,0.5,0.5\n"), (2025, "48-2025,0.7,0.7\n46,0.6,0.4\n")]:
        import_results(content=f"organisation,1,2\n{lines}".encode(), filename="kq.csv", year=year, level="province",
                       framework_code="thu-nghiem", by=administrator,
                       published_on=datetime.date(year + 1, 3, 1))  # fmt: skip

    rows = {row["organisation_code"]: row for row in
            APIClient().get("/api/v1/rankings/?year=2025&level=province").json()["results"]}  # fmt: skip

    # 2024: Đà Nẵng 0,68, Quảng Nam 0,52, Huế 0,5; the new Đà Nẵng's 2024 figure is the mean of its
    # predecessors' main indices (0,6 and 0,6) aggregated with the points: 0,6.
    assert {
        code: (row["value"], row["rank"], row["value_change"], row["rank_change"], row["previous_derived"])
        for code, row in rows.items()
    } == {
        "48-2025": (0.7, 1, 0.1, None, True),
        "46": (0.52, 2, 0.02, 1, False),
    }


def test_the_rankings_api_answers_304_while_nothing_was_republished_and_speaks_csv(
    finalised_campaign: Campaign, administrator: User
) -> None:
    publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)
    api = APIClient()
    url = "/api/v1/rankings/?year=2024&level=province"

    first = api.get(url)
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    since = api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    as_csv = api.get(f"{url}&format=csv")

    assert (first.status_code, again.status_code, since.status_code) == (200, 304, 304)
    assert as_csv["Content-Type"].startswith("text/csv")
    lines = as_csv.content.decode().splitlines()
    assert lines[0].startswith("organisation_code,organisation_name,group,value,computed_value,rank")
    assert lines[1].startswith("46,Thừa Thiên Huế,province,0.6282,0.6282,1,")


def test_a_units_results_api_gives_every_published_index_with_its_group_average(
    finalised_campaign: Campaign, administrator: User
) -> None:
    publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)

    body = APIClient().get("/api/v1/organisations/48/results/?year=2024").json()

    by_index = {row["index"]: row for row in body["results"]}
    assert (body["organisation_code"], body["year"], body["version"]) == ("48", 2024, 1)
    assert {key: by_index["dti"][key] for key in ("value", "rank", "group_size", "group_average")} == {
        "value": 0.5575,
        "rank": 2,
        "group_size": 3,
        "group_average": 0.3952,  # (0,62818 + 0,5575 + 0) / 3
    }
    assert set(by_index) == {"dti", "1", "2", "1.1", "1.2", "2.1"}


def test_the_excel_download_holds_a_ranks_and_a_values_sheet_named_in_vietnamese(
    finalised_campaign: Campaign, administrator: User, client: Client
) -> None:
    publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)

    workbook = load_workbook(io.BytesIO(client.get("/results/2024/province/?format=xlsx").content))

    assert workbook.sheetnames == ["Xếp hạng tỉnh", "Giá trị tỉnh"]
    ranks = list(workbook["Xếp hạng tỉnh"].iter_rows(min_row=2, values_only=True))
    values = list(workbook["Giá trị tỉnh"].iter_rows(min_row=3, values_only=True))
    assert ranks[0][:3] == ("Mã", "Đơn vị", "DTI")
    assert ranks[1:] == [
        ("46", "Thừa Thiên Huế", 1, 1, 1),
        ("48", "TP. Đà Nẵng", 2, 2, 1),
        ("49", "Quảng Nam", 3, 3, 3),
    ]
    assert values[1] == ("48", "TP. Đà Nẵng", 0.5575, 0.5333, 0.5938)
    # The group's average closes the values, as the report's tables do: (0,62818 + 0,5575 + 0) / 3.
    assert values[3][:3] == (None, "Trung bình", 0.3952)
    assert workbook["Giá trị tỉnh"]["C3"].number_format == "0.0000"


def report_text(client: Client, year: int = 2024) -> str:
    download = client.get(f"/results/{year}/province/report/?download=1")
    report = PdfReader(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    return " ".join(" ".join(page.extract_text() for page in report.pages).split())


def test_the_scorecard_is_a_pdf_with_the_units_figures(
    finalised_campaign: Campaign, administrator: User, client: Client
) -> None:
    publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)

    scorecard = PdfReader(io.BytesIO(client.get("/results/units/48/?year=2024&format=pdf").content))

    scorecard_text = " ".join(" ".join(page.extract_text() for page in scorecard.pages).split())
    assert "Phiếu kết quả DTI 2024: Thành phố Đà Nẵng" in scorecard_text
    assert "0,5575" in scorecard_text


def test_publishing_builds_the_national_report_before_its_first_reader_asks(
    finalised_campaign: Campaign,
    administrator: User,
    client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        publication = publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)

    status_page = client.get("/results/2024/province/report/").content.decode()

    assert (ReportExport.objects.get(publication=publication).state, ReportExport.objects.count()) == ("done", 1)
    assert 'id="report-download"' in status_page
    assert 'id="report-build"' not in status_page
    text = report_text(client)
    assert "Báo cáo Chỉ số chuyển đổi số DTI 2024" in text
    assert "Thừa Thiên Huế 0,6282" in text


def test_a_publication_without_its_report_builds_it_when_a_reader_asks(
    finalised_campaign: Campaign,
    administrator: User,
    client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    publication = publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)
    ReportExport.objects.filter(publication=publication).delete()  # as for a publication older than the build

    before = client.get("/results/2024/province/report/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/results/2024/province/report/?version={publication.version}")

    assert 'id="report-build"' in before
    assert started.status_code == 302
    assert ReportExport.objects.get(publication=publication).progress == 100
    assert "Thừa Thiên Huế 0,6282" in report_text(client)


def test_the_methodology_page_lists_the_years_exclusions_and_revisions(
    finalised_campaign: Campaign, administrator: User, client: Client
) -> None:
    leaf = finalised_campaign.framework.nodes.get(key="1.2.1")
    Campaign.objects.filter(pk=finalised_campaign.pk).update(state=Campaign.State.OPEN)
    exclude_leaf(campaign_id=finalised_campaign.pk, node_id=leaf.pk, by=administrator,
                 reason="Dưới một nửa số đơn vị báo cáo được.")  # fmt: skip
    publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)

    page = client.get("/results/2024/province/methodology/").content.decode()

    assert "<strong>1.2.1</strong> Tần suất phát sóng: Dưới một nửa số đơn vị báo cáo được." in page
    assert "Phiên bản 1" in page
    assert "Tỷ lệ cán bộ được tập huấn" in page


def test_the_administrator_publishes_and_imports_from_the_admin(
    finalised_campaign: Campaign, administrator: User, client: Client
) -> None:
    client.force_login(administrator)

    page = client.get("/admin/rankings/publication/publish/")
    published = client.post("/admin/rankings/publication/publish/", {"campaign": finalised_campaign.pk})
    again = client.post("/admin/rankings/publication/publish/", {"campaign": finalised_campaign.pk})
    upload = client.post(
        "/admin/rankings/publication/import/",
        {"file": io.BytesIO(b"organisation,1,2\nAtlantis,0.5,0.5\n"), "year": 2025, "level": "province",
         "framework": "thu-nghiem"},
    )  # fmt: skip

    assert page.status_code == 200
    assert published.status_code == 302
    assert Publication.objects.filter(campaign=finalised_campaign).count() == 1
    assert "Công bố lại là một bản đính chính: phải có ghi chú sửa đổi công khai." in again.content.decode()
    assert "Dòng 2, cột A: không có đơn vị “Atlantis” trong năm 2025." in upload.content.decode()


def test_people_without_the_administrator_role_cannot_publish(
    finalised_campaign: Campaign, appraiser: User, client: Client
) -> None:
    client.force_login(appraiser)

    response = client.post("/admin/rankings/publication/publish/", {"campaign": finalised_campaign.pk})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not Publication.objects.exists()
