"""The appraisal's pages, downloads and API, through the test client."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from accounts.models import User
from scoring.services import recompute_campaign
from submissions.models import Submission, SubmissionState
from submissions.services.appraisal import accept_undecided, appraise_answer
from submissions.services.approval import reopen_submission, transition_submission
from submissions.services.entry import AnswerInput
from submissions.services.exclusions import exclude_leaf
from tests.submissions.conftest import answer_of
from tests.submissions.test_api import client_for

pytestmark = pytest.mark.django_db


def font_resources(pdf: PdfReader) -> list[DictionaryObject]:
    """Each page's /Font resources; the PDF format makes both /Resources and /Font dictionaries."""
    return [cast(DictionaryObject, cast(DictionaryObject, page["/Resources"])["/Font"]) for page in pdf.pages]


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def adjusted_and_finished(submission: Submission, appraiser: User) -> None:
    appraise_answer(answer_id=answer_of(submission, "1.1.2").pk, user=appraiser, decision="adjust",
                    reason="Danh sách tập huấn chỉ có 40 % cán bộ.", given=AnswerInput(value=Decimal(40)))  # fmt: skip
    appraise_answer(answer_id=answer_of(submission, "1.2.1").pk, user=appraiser, decision="question",
                    reason="Gửi lịch phát sóng cả năm.")  # fmt: skip
    accept_undecided(submission_id=submission.pk, user=appraiser)
    transition_submission(submission_id=submission.pk, user=appraiser, action="finish_appraisal")


def test_the_queue_counts_submissions_per_state_and_marks_the_late(
    client: Client, submitted_danang: Submission, appraiser: User
) -> None:
    campaign = submitted_danang.campaign
    today = timezone.localdate()
    campaign.entry_opens, campaign.entry_closes, campaign.appraisal_closes = (
        today - datetime.timedelta(days=days) for days in (30, 20, 1)
    )
    campaign.save()

    page = logged_in(client, appraiser).get("/submissions/appraisal/")

    html = page.content.decode()
    assert page.status_code == 200
    assert '<span class="count">1</span> Đã gửi cơ quan đánh giá' in html
    assert '<span class="count">0</span> Đang thẩm định' in html
    assert "quá hạn" in html
    assert f'href="/submissions/{submitted_danang.pk}/review/"' in html


def test_units_cannot_open_the_appraisers_pages(
    client: Client, submitted_danang: Submission, danang_leader: User
) -> None:
    logged_in(client, danang_leader)

    statuses = [
        client.get(url).status_code
        for url in (
            "/submissions/appraisal/",
            f"/submissions/{submitted_danang.pk}/review/",
            f"/submissions/{submitted_danang.pk}/experts/",
            f"/submissions/campaigns/{submitted_danang.campaign_id}/authority-values/",
        )
    ]

    assert statuses == [403, 403, 403, 403]


def test_an_appraiser_assigns_submissions_from_the_queue(
    client: Client, submitted_danang: Submission, appraiser: User, second_appraiser: User
) -> None:
    response = logged_in(client, appraiser).post(
        "/submissions/appraisal/", {"submissions": [submitted_danang.pk], "appraiser": second_appraiser.pk}
    )

    submitted_danang.refresh_from_db()
    assert response.status_code == 302
    assert submitted_danang.appraiser == second_appraiser


def test_the_review_page_shows_each_leaf_with_its_evidence_viewer_and_a_decision_form(
    client: Client, submitted_danang: Submission, appraiser: User
) -> None:
    page = logged_in(client, appraiser).get(f"/submissions/{submitted_danang.pk}/review/")

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="appraisal-form"') == 4  # the four self-reported leaves
    assert html.count('class="authority-form"') == 1  # the expert leaf takes the authority's value
    assert "Chấp nhận 3 chỉ số chưa có kết luận" in html
    assert 'src="/static/js/review.js"' in html
    assert "63,56" in html


def test_a_decision_posted_with_htmx_returns_the_leaf_and_an_error_stays_next_to_it(
    client: Client, submitted_danang: Submission, appraiser: User
) -> None:
    logged_in(client, appraiser)
    url = f"/submissions/{submitted_danang.pk}/answers/1.1.2/appraisal/"
    prefix = "node-1-1-2"

    missing_reason = client.post(url, {f"{prefix}-review_version": 0, f"{prefix}-decision": "adjust",
                                       f"{prefix}-value": "40"}, HTTP_HX_REQUEST="true")  # fmt: skip
    saved = client.post(url, {f"{prefix}-review_version": 0, f"{prefix}-decision": "adjust", f"{prefix}-value": "40",
                              f"{prefix}-reason": "Thiếu danh sách."}, HTTP_HX_REQUEST="true")  # fmt: skip

    assert missing_reason.status_code == 400
    assert "Phải nêu lý do điều chỉnh." in missing_reason.content.decode()
    assert saved.status_code == 200
    assert 'class="saved"' in saved.content.decode()
    leaf = answer_of(submitted_danang, "1.1.2")
    assert (leaf.appraisal_decision, leaf.appraised_value, leaf.appraisal_reason) == (
        "adjust",
        Decimal(40),
        "Thiếu danh sách.",
    )


def test_the_unit_sees_adjustments_and_questions_and_replies_to_them(
    client: Client, submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    adjusted_and_finished(submitted_danang, appraiser)
    logged_in(client, danang_reporter)

    page = client.get(f"/submissions/{submitted_danang.pk}/").content.decode()
    reply = client.post(f"/submissions/{submitted_danang.pk}/answers/1.2.1/reply/",
                        {"reply": "Đài phát sóng hằng tuần từ tháng 3."})  # fmt: skip

    assert "Kết quả thẩm định" in page
    assert "Danh sách tập huấn chỉ có 40 % cán bộ." in page
    assert "Gửi lịch phát sóng cả năm." in page
    assert "9,07" in page  # 19,068 self-assessed − 12 appraised
    assert reply.status_code == 302
    assert answer_of(submitted_danang, "1.2.1").explanation_reply == "Đài phát sóng hằng tuần từ tháng 3."


def test_the_unit_does_not_see_an_appraisal_in_progress(
    client: Client, submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    appraise_answer(answer_id=answer_of(submitted_danang, "1.1.2").pk, user=appraiser, decision="adjust",
                    reason="Lý do nội bộ chưa gửi.", given=AnswerInput(value=Decimal(40)))  # fmt: skip
    logged_in(client, danang_reporter)

    page = client.get(f"/submissions/{submitted_danang.pk}/").content.decode()
    report = client.get(f"/submissions/{submitted_danang.pk}/points-lost/")
    api = client_for(danang_reporter).get(f"/api/v1/submissions/{submitted_danang.pk}/").json()

    assert "Lý do nội bộ chưa gửi." not in page
    assert report.status_code == 403
    assert api["answers"]["1.1.2"]["appraisal_reason"] == ""
    assert api["answers"]["1.1.2"]["appraised_value"] is None


def test_the_points_lost_report_lists_the_adjusted_leaf_as_page_excel_and_pdf(
    client: Client, submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    adjusted_and_finished(submitted_danang, appraiser)
    recompute_campaign(campaign_id=submitted_danang.campaign_id)
    logged_in(client, danang_reporter)
    url = f"/submissions/{submitted_danang.pk}/points-lost/"

    page = client.get(url).content.decode()
    workbook = load_workbook(io.BytesIO(client.get(f"{url}?format=xlsx").content))
    pdf = PdfReader(io.BytesIO(client.get(f"{url}?format=pdf").content))

    assert page.count('<tr data-key="') == 1
    assert '<tr data-key="1.1.2">' in page
    assert '<td class="number lost">7,07</td>' in page
    rows = list(workbook["Chi so bi tru diem"].iter_rows(min_row=3, values_only=True))
    assert [(row[0], row[3], row[5], row[6]) for row in rows] == [("1.1.2", 19.068, 12.0, 7.068)]
    assert rows[0][10] == "Thẩm định: Danh sách tập huấn chỉ có 40 % cán bộ."
    text = " ".join(" ".join(page_.extract_text() for page_ in pdf.pages).split())
    assert "Vì sao bị trừ điểm: Thành phố Đà Nẵng" in text
    assert "Danh sách tập huấn chỉ có 40 % cán bộ." in text
    fonts = {font["/BaseFont"] for page_fonts in font_resources(pdf) for font in page_fonts.values()}
    assert all("DejaVu" in str(font) for font in fonts)


def test_authority_values_import_from_the_page_after_a_dry_run(
    client: Client, submitted_danang: Submission, appraiser: User
) -> None:
    url = f"/submissions/campaigns/{submitted_danang.campaign_id}/authority-values/"
    logged_in(client, appraiser)
    template = load_workbook(io.BytesIO(client.get(f"{url}?template=xlsx").content)).active
    sheet = b"don vi,2.1.2\n48,11\n"

    preview = client.post(url, {"file": SimpleUploadedFile("tt.csv", sheet), "dry_run": "on"})
    applied = client.post(url, {"file": SimpleUploadedFile("tt.csv", sheet)})
    rejected = client.post(url, {"file": SimpleUploadedFile("tt.csv", b"don vi,2.1.2\nAtlantis,11\n")})

    assert [cell.value for cell in template[1]] == ["Đơn vị (mã hoặc tên)", "2.1.2"]
    assert sorted(row[0] for row in template.iter_rows(min_row=3, values_only=True)) == ["46", "48", "49"]
    assert "Xem trước: 1 thay đổi" in preview.content.decode()
    assert applied.status_code == 302
    assert answer_of(submitted_danang, "2.1.2").value == Decimal(11)
    assert rejected.status_code == 400
    assert "Dòng 2, cột A: không có đơn vị “Atlantis” trong đợt đánh giá." in rejected.content.decode()


def test_the_expert_panel_page_saves_the_grid_and_shows_the_mean(
    client: Client, submitted_danang: Submission, appraiser: User
) -> None:
    data: dict[str, str] = {}
    categories = ["retired_leader"] * 6 + ["official"] * 5 + ["business"] * 4
    for number, category in enumerate(categories, start=1):
        data |= {f"expert-{number}-name": f"Chuyên gia {number}", f"expert-{number}-category": category,
                 f"expert-{number}-2.1.2": "12" if number % 2 else "13,5"}  # fmt: skip
    logged_in(client, appraiser)

    response = client.post(f"/submissions/{submitted_danang.pk}/experts/", data)
    page = client.get(f"/submissions/{submitted_danang.pk}/experts/").content.decode()

    assert response.status_code == 302
    assert answer_of(submitted_danang, "2.1.2").value == Decimal("12.7")  # (8 × 12 + 7 × 13,5) / 15
    assert "12,70" in page


def test_the_administrator_excludes_a_proposed_leaf_from_the_coverage_page(
    client: Client, submitted_danang: Submission, administrator: User
) -> None:
    url = f"/submissions/campaigns/{submitted_danang.campaign_id}/coverage/"
    logged_in(client, administrator)
    page = client.get(url).content.decode()
    leaf = submitted_danang.campaign.framework.nodes.get(key="1.1.2")

    response = client.post(url, {"node": leaf.pk, "reason": "Dưới một nửa số đơn vị báo cáo được."})

    assert "4 chỉ số được đề xuất loại" in page
    assert response.status_code == 302
    assert submitted_danang.campaign.exclusions.get().node == leaf


def test_the_api_records_a_decision_and_refuses_an_adjustment_without_reason(
    submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    api = client_for(appraiser)
    url = f"/api/v1/submissions/{submitted_danang.pk}/answers/1.1.2/appraisal/"

    without_reason = api.post(url, {"decision": "adjust", "value": "40", "review_version": 0}, format="json")
    by_the_unit = client_for(danang_reporter).post(url, {"decision": "accept", "review_version": 0}, format="json")
    adjusted = api.post(
        url, {"decision": "adjust", "value": "40", "reason": "Thiếu danh sách.", "review_version": 0}, format="json"
    )
    detail = api.get(f"/api/v1/submissions/{submitted_danang.pk}/").json()["answers"]["1.1.2"]

    assert (without_reason.status_code, without_reason.json()) == (400, {"reason": ["Phải nêu lý do điều chỉnh."]})
    assert by_the_unit.status_code == 403
    assert adjusted.status_code == 200
    assert adjusted.json()["decision"] == "adjust"
    shown = ("appraised_value", "appraised_score", "final_value", "final_score", "appraisal_reason",
             "explanation_reply")  # fmt: skip
    assert {name: detail[name] for name in shown} == {
        "appraised_value": 40.0,
        "appraised_score": 12.0,
        "final_value": 40.0,
        "final_score": 12.0,
        "appraisal_reason": "Thiếu danh sách.",
        "explanation_reply": "",
    }


def test_the_api_takes_the_appraisal_transitions_in_their_states(
    submitted_danang: Submission, appraiser: User, danang_reporter: User, danang_leader: User, administrator: User
) -> None:
    base = f"/api/v1/submissions/{submitted_danang.pk}"
    api, reporter, leader, admin = (client_for(user) for user in (appraiser, danang_reporter, danang_leader,
                                                                   administrator))  # fmt: skip
    api.post(
        f"{base}/answers/2.1.1/appraisal/",
        {"decision": "question", "reason": "Nguồn số liệu?", "review_version": 0},
        format="json",
    )
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)

    too_early = api.post(f"{base}/transitions/", {"action": "finalise", "from_state": "under_appraisal"})
    states = [
        client.post(f"{base}/transitions/", body).json()["state"]
        for client, body in [
            (api, {"action": "finish_appraisal", "from_state": "under_appraisal"}),
            (reporter, {"action": "submit_explanation", "from_state": "explanation"}),
            (leader, {"action": "approve", "from_state": "explanation_awaiting_leader"}),
        ]
    ]
    keep = api.post(f"{base}/answers/2.1.1/appraisal/", {"decision": "keep", "review_version": 1}, format="json")
    states += [
        api.post(f"{base}/transitions/", {"action": "finalise", "from_state": "final_appraisal"}).json()["state"]
    ]
    states += [
        admin.post(
            f"{base}/transitions/", {"action": "reopen", "from_state": "finalised", "comment": "Sai sót"}
        ).json()["state"]
    ]

    assert too_early.status_code == 409
    assert keep.status_code == 200
    assert states == ["explanation", "explanation_awaiting_leader", "final_appraisal", "finalised", "final_appraisal"]
    submitted_danang.refresh_from_db()
    assert submitted_danang.state == SubmissionState.FINAL_APPRAISAL


def test_an_excluded_leaf_drops_out_of_the_report_max(
    submitted_danang: Submission, appraiser: User, administrator: User, client: Client
) -> None:
    adjusted_and_finished(submitted_danang, appraiser)
    leaf = submitted_danang.campaign.framework.nodes.get(key="1.1.2")
    exclude_leaf(campaign_id=submitted_danang.campaign_id, node_id=leaf.pk, by=administrator, reason="Ít số liệu.")
    recompute_campaign(campaign_id=submitted_danang.campaign_id)

    page = logged_in(client, appraiser).get(f"/submissions/{submitted_danang.pk}/points-lost/").content.decode()

    assert '<dd id="total-self">43,75</dd>' in page
    assert '<tr data-key="1.1.2">' in page
    assert '<td class="number lost">0,00</td>' in page


def test_a_unit_reopened_during_the_appraisal_does_not_read_the_appraisers_notes(
    client: Client, submitted_danang: Submission, appraiser: User, administrator: User, danang_reporter: User
) -> None:
    appraise_answer(answer_id=answer_of(submitted_danang, "1.1.2").pk, user=appraiser, decision="adjust",
                    reason="Ghi chú nội bộ của thẩm định.", given=AnswerInput(value=Decimal(40)))  # fmt: skip
    reopen_submission(submission_id=submitted_danang.pk, by=administrator,
                      until=timezone.localdate() + datetime.timedelta(days=2), reason="Bổ sung số liệu.")  # fmt: skip
    logged_in(client, danang_reporter)

    saved = client.post(f"/submissions/{submitted_danang.pk}/answers/1.1.2/",
                        {"node-1-1-2-version": 1, "node-1-1-2-value": "70"}, HTTP_HX_REQUEST="true")  # fmt: skip
    page = client.get(f"/submissions/{submitted_danang.pk}/")

    assert saved.status_code == 200
    # Neither the appraiser's note nor that they decided on the leaf shows before the appraisal is sent.
    assert appraiser.username not in saved.content.decode()
    assert "Ghi chú nội bộ của thẩm định." not in page.content.decode()


def test_an_appraisal_decision_must_name_the_review_version_it_decides_on(
    submitted_danang: Submission, appraiser: User, second_appraiser: User
) -> None:
    url = f"/api/v1/submissions/{submitted_danang.pk}/answers/1.1.2/appraisal/"
    adjust = {"decision": "adjust", "value": "40", "reason": "Thiếu danh sách."}

    unnamed = client_for(appraiser).post(url, {"decision": "accept"}, format="json")
    first = client_for(appraiser).post(url, {**adjust, "review_version": 0}, format="json")
    overwriting = client_for(second_appraiser).post(url, {"decision": "accept", "review_version": 0}, format="json")

    assert (unnamed.status_code, set(unnamed.json())) == (400, {"review_version"})
    assert first.status_code == 200
    assert (overwriting.status_code, overwriting.json()["code"]) == (409, "stale")
    assert answer_of(submitted_danang, "1.1.2").appraisal_decision == "adjust"


def test_the_unit_reads_no_appraisal_version_until_the_appraisal_is_sent(
    submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    base = f"/api/v1/submissions/{submitted_danang.pk}"
    client_for(appraiser).post(
        f"{base}/answers/1.1.2/appraisal/", {"decision": "accept", "review_version": 0}, format="json"
    )

    before = client_for(danang_reporter).get(f"{base}/").json()["answers"]["1.1.2"]
    for_the_authority = client_for(appraiser).get(f"{base}/").json()["answers"]["1.1.2"]
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)
    transition_submission(submission_id=submitted_danang.pk, user=appraiser, action="finish_appraisal")
    after = client_for(danang_reporter).get(f"{base}/").json()["answers"]["1.1.2"]

    assert (before["review_version"], before["appraisal_decision"]) == (None, "")
    assert (for_the_authority["review_version"], for_the_authority["appraisal_decision"]) == (1, "accept")
    assert (after["review_version"], after["appraisal_decision"]) == (1, "accept")


def test_once_a_leaf_is_settled_the_unit_sees_the_settled_value_and_its_points_lost_as_the_report_does(
    client: Client,
    submitted_danang: Submission,
    appraiser: User,
    danang_reporter: User,
    danang_leader: User,
) -> None:
    from scoring.reports import points_lost
    from submissions.services.appraisal import reply_to_appraisal, settle_answer

    appraise_answer(answer_id=answer_of(submitted_danang, "1.1.2").pk, user=appraiser, decision="adjust",
                    reason="Danh sách chỉ có 40 % cán bộ.", given=AnswerInput(value=Decimal(40)))  # fmt: skip
    appraise_answer(answer_id=answer_of(submitted_danang, "2.1.1").pk, user=appraiser, decision="question",
                    reason="Nguồn số liệu?")  # fmt: skip
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)
    pk = submitted_danang.pk
    transition_submission(submission_id=pk, user=appraiser, action="finish_appraisal")
    reply_to_appraisal(answer_id=answer_of(submitted_danang, "1.1.2").pk, user=danang_reporter,
                       reply="Bổ sung danh sách đợt 2: 50 % cán bộ.")  # fmt: skip
    transition_submission(submission_id=pk, user=danang_reporter, action="submit_explanation")
    transition_submission(submission_id=pk, user=danang_leader, action="approve")
    settle_answer(answer_id=answer_of(submitted_danang, "1.1.2").pk, user=appraiser, decision="revise",
                  reason="Chấp nhận danh sách đợt 2.", given=AnswerInput(value=Decimal(50)))  # fmt: skip
    settle_answer(answer_id=answer_of(submitted_danang, "2.1.1").pk, user=appraiser, decision="keep")
    transition_submission(submission_id=pk, user=appraiser, action="finalise")
    recompute_campaign(campaign_id=submitted_danang.campaign_id)

    page = logged_in(client, danang_reporter).get(f"/submissions/{pk}/")
    rows = {row["answer"].node.key: row for row in page.context["outcome"]}
    report = {row.key: row.lost for row in points_lost(submitted_danang).leaves}
    html = page.content.decode()

    assert rows["1.1.2"]["answer"].conclusion_text() == "50"
    assert rows["1.1.2"]["lost"] == report["1.1.2"] == Decimal("4.068")
    assert rows["2.1.1"]["answer"].conclusion_text() == "Giữ kết quả thẩm định"
    assert rows["2.1.1"]["lost"] == Decimal(0)
    assert "4,07" in html
    assert "Đề nghị giải trình" not in html.split('id="appraisal-outcome"')[1].split("</table>")[0]
