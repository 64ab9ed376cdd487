"""Text inputs refuse control and bidi characters, and text stored with them never breaks an export.

An explanation holding BEL and ESC, saved through the API, once made the unit's Excel template and
the points-lost workbook fail for everyone until someone removed it (openpyxl refuses such a cell).
Now the API, every page form and every import refuse such text with a message naming the
characters, and the exports leave out what a workbook cannot hold.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from scoring.services import recompute_campaign
from submissions.admin import CampaignForm
from submissions.models import Answer, Event, Expert, Submission, SubmissionState
from submissions.services.appraisal import accept_undecided, appraise_answer
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput
from tests.pdfs import pdf
from tests.submissions.conftest import answer_of
from tests.submissions.test_api import client_for, put_answer

pytestmark = pytest.mark.django_db

BELL_AND_ESCAPE = "bell\u0007 esc\u001b"


def refused(*characters: str) -> str:
    return (
        "Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không hợp lệ "
        f"({', '.join(characters)}): hãy xóa chúng."
    )


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_messages(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


# The API.


def test_an_explanation_with_bell_and_escape_is_refused_by_the_api_and_nothing_is_stored(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = put_answer(client_for(danang_reporter), danang_submission, "1.1.1", value=1,
                          explanation=BELL_AND_ESCAPE, version=0)  # fmt: skip

    assert (response.status_code, response.json()) == (400, {"explanation": [refused("U+0007", "U+001B")]})
    answer = answer_of(danang_submission, "1.1.1")
    assert (answer.version, answer.value, answer.explanation) == (0, None, "")


def test_a_levels_choice_with_a_bidi_override_is_refused_by_the_api(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = put_answer(client_for(danang_reporter), danang_submission, "1.2.1", choice="Hằng\u202etháng", version=0)

    assert (response.status_code, response.json()) == (400, {"choice": [refused("U+202E")]})
    assert answer_of(danang_submission, "1.2.1").version == 0


def test_a_return_comment_with_a_null_character_is_refused_by_the_api_and_the_step_is_not_taken(
    danang_submission: Submission, danang_it_lead: User
) -> None:
    Submission.objects.filter(pk=danang_submission.pk).update(state=SubmissionState.AWAITING_IT_LEAD)

    url = f"/api/v1/submissions/{danang_submission.pk}/transitions/"

    response = client_for(danang_it_lead).post(
        url, {"action": "return", "from_state": "awaiting_it_lead", "comment": "Thiếu\u0000 số liệu"}, format="json"
    )

    assert (response.status_code, response.json()) == (400, {"comment": [refused("U+0000")]})
    danang_submission.refresh_from_db()
    assert danang_submission.state == SubmissionState.AWAITING_IT_LEAD


def test_an_evidence_title_with_an_isolate_is_refused_by_the_api(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = client_for(danang_reporter).post(
        f"/api/v1/submissions/{danang_submission.pk}/answers/1.1.1/evidence/",
        {"file": SimpleUploadedFile("qd.pdf", pdf(), "application/pdf"), "title": "Quyết định\u2066 số 1"},
        format="multipart",
    )

    assert (response.status_code, response.json()) == (400, {"title": [refused("U+2066")]})
    assert not answer_of(danang_submission, "1.1.1").evidence.exists()


def test_an_appraisal_reason_with_an_escape_is_refused_by_the_api(
    submitted_danang: Submission, appraiser: User
) -> None:
    url = f"/api/v1/submissions/{submitted_danang.pk}/answers/1.1.2/appraisal/"

    response = client_for(appraiser).post(
        url, {"decision": "question", "reason": "Gửi\u001b[31m lại", "review_version": 0}, format="json"
    )

    assert (response.status_code, response.json()) == (400, {"reason": [refused("U+001B")]})
    assert answer_of(submitted_danang, "1.1.2").appraisal_decision == ""


def test_the_api_stores_a_line_ending_as_a_line_feed_and_keeps_tabs(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = put_answer(client_for(danang_reporter), danang_submission, "1.1.1",
                          explanation="Dòng một\r\nDòng hai\rDòng\tba", version=0)  # fmt: skip

    assert response.status_code == 200
    assert answer_of(danang_submission, "1.1.1").explanation == "Dòng một\nDòng hai\nDòng\tba"


# The pages.


def test_the_entry_form_refuses_an_explanation_with_control_characters_next_to_the_field(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = logged_in(danang_reporter).post(
        f"/submissions/{danang_submission.pk}/answers/1.1.1/",
        {"node-1-1-1-version": "0", "node-1-1-1-value": "1", "node-1-1-1-explanation": BELL_AND_ESCAPE},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert f'<p class="field-error" role="alert">{refused("U+0007", "U+001B")}</p>' in response.content.decode()
    assert answer_of(danang_submission, "1.1.1").version == 0


def test_a_textarea_s_crlf_line_endings_are_stored_as_line_feeds(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = logged_in(danang_reporter).post(
        f"/submissions/{danang_submission.pk}/answers/1.1.1/",
        {"node-1-1-1-version": "0", "node-1-1-1-value": "1", "node-1-1-1-explanation": "Dòng một\r\nDòng hai"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert answer_of(danang_submission, "1.1.1").explanation == "Dòng một\nDòng hai"


def test_a_comment_with_control_characters_is_refused_with_the_reason(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = logged_in(danang_reporter).post(f"/submissions/{danang_submission.pk}/comment/",
                                               {"text": BELL_AND_ESCAPE}, follow=True)  # fmt: skip

    assert shown_messages(response) == [refused("U+0007", "U+001B")]
    assert not Event.objects.filter(submission=danang_submission).exists()


def test_a_return_comment_with_a_bidi_override_is_refused_with_the_reason_and_the_step_is_not_taken(
    danang_submission: Submission, danang_it_lead: User
) -> None:
    Submission.objects.filter(pk=danang_submission.pk).update(state=SubmissionState.AWAITING_IT_LEAD)

    url = f"/submissions/{danang_submission.pk}/transition/"

    form = {"action": "return", "from_state": "awaiting_it_lead", "comment": "Thiếu \u202dsố liệu"}
    response = logged_in(danang_it_lead).post(url, form, follow=True)

    assert shown_messages(response) == [refused("U+202D")]
    danang_submission.refresh_from_db()
    assert danang_submission.state == SubmissionState.AWAITING_IT_LEAD


def test_an_evidence_title_with_control_characters_is_refused_with_the_reason(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = logged_in(danang_reporter)
    url = f"/submissions/{danang_submission.pk}/answers/1.1.1/evidence/"

    by_title = client.post(url, {"file": SimpleUploadedFile("qd.pdf", pdf()), "title": "Q\u0085Đ"}, follow=True)
    without_file = client.post(url, {"title": "QĐ"}, follow=True)

    assert shown_messages(by_title) == [refused("U+0085")]
    assert shown_messages(without_file) == ["Chọn một tệp PDF để tải lên."]
    assert not answer_of(danang_submission, "1.1.1").evidence.exists()


def test_an_appraisal_reason_with_control_characters_is_refused_next_to_the_field(
    submitted_danang: Submission, appraiser: User
) -> None:
    prefix = "node-1-1-2"

    response = logged_in(appraiser).post(
        f"/submissions/{submitted_danang.pk}/answers/1.1.2/appraisal/",
        {f"{prefix}-review_version": 0, f"{prefix}-decision": "adjust", f"{prefix}-value": "40",
         f"{prefix}-reason": "Thiếu\u0008 danh sách."},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip

    assert response.status_code == 400
    assert refused("U+0008") in response.content.decode()
    assert answer_of(submitted_danang, "1.1.2").appraisal_decision == ""


def test_a_reply_with_control_characters_is_refused_with_the_reason(
    submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    appraise_answer(answer_id=answer_of(submitted_danang, "1.2.1").pk, user=appraiser, decision="question",
                    reason="Gửi lịch phát sóng cả năm.")  # fmt: skip
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)
    transition_submission(submission_id=submitted_danang.pk, user=appraiser, action="finish_appraisal")

    response = logged_in(danang_reporter).post(f"/submissions/{submitted_danang.pk}/answers/1.2.1/reply/",
                                               {"reply": "Đài phát sóng\u007f hằng tuần."}, follow=True)  # fmt: skip

    assert shown_messages(response) == [refused("U+007F")]
    assert answer_of(submitted_danang, "1.2.1").explanation_reply == ""


def test_an_exclusion_reason_or_its_revocation_with_control_characters_is_refused(
    submitted_danang: Submission, administrator: User
) -> None:
    client = logged_in(administrator)
    url = f"/submissions/campaigns/{submitted_danang.campaign_id}/coverage/"
    leaf = submitted_danang.campaign.framework.nodes.get(key="1.1.2")

    excluding = client.post(url, {"node": leaf.pk, "reason": "Dưới một nửa\u0007"}, follow=True)
    without_reason = client.post(url, {"node": leaf.pk, "reason": ""}, follow=True)
    client.post(url, {"node": leaf.pk, "reason": "Dưới một nửa số đơn vị báo cáo được."}, follow=True)
    exclusion = submitted_danang.campaign.exclusions.get()
    revoking = client.post(url, {"revoke": exclusion.pk, "reason": "Đã đủ\u2069 số liệu"}, follow=True)

    assert shown_messages(excluding) == [refused("U+0007")]
    assert shown_messages(without_reason) == ["Phải nêu lý do loại chỉ số."]
    assert shown_messages(revoking) == [refused("U+2069")]
    exclusion.refresh_from_db()
    assert (exclusion.reason, exclusion.revoked_at) == ("Dưới một nửa số đơn vị báo cáo được.", None)


def test_an_experts_name_or_position_with_control_characters_saves_nothing_and_says_why(
    submitted_danang: Submission, appraiser: User
) -> None:
    data = {
        "expert-1-name": "Nguyễn Văn A\u001b", "expert-1-category": "official", "expert-1-2.1.2": "12",
        "expert-2-name": "Trần Thị B", "expert-2-category": "business", "expert-2-position": "Giám đốc\u202e",
    }  # fmt: skip

    response = logged_in(appraiser).post(f"/submissions/{submitted_danang.pk}/experts/", data)

    assert response.status_code == 400
    assert response.context["errors"] == {
        "expert-1-name": f"Chuyên gia thứ 1: {refused('U+001B')}",
        "expert-2-position": f"Chuyên gia thứ 2: {refused('U+202E')}",
    }
    assert not Expert.objects.exists()


def test_a_reopening_reason_with_control_characters_is_refused_next_to_the_field(
    danang_submission: Submission, administrator: User
) -> None:
    until = timezone.localdate() + datetime.timedelta(days=5)

    response = logged_in(administrator).post(f"/admin/submissions/submission/{danang_submission.pk}/reopen/",
                                             {"until": until.isoformat(), "reason": "Công văn\u0007 123"})  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": [refused("U+0007")]}
    assert not Event.objects.filter(submission=danang_submission, kind="reopened").exists()


def test_a_revision_note_with_control_characters_is_refused_before_publishing(
    submitted_danang: Submission, administrator: User
) -> None:
    response = logged_in(administrator).post("/admin/rankings/publication/publish/",
                                             {"campaign": submitted_danang.campaign_id,
                                              "revision_note": "Sửa\u001b lỗi"})  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors == {"revision_note": [refused("U+001B")]}


def test_a_campaign_name_with_control_characters_is_refused_by_the_admin_form() -> None:
    with pytest.raises(ValidationError) as raised:
        CampaignForm.base_fields["name"].clean("DTI 2025\u0007 cấp tỉnh")

    assert raised.value.messages == [refused("U+0007")]


# Exports of text stored before the inputs refused it.


def test_the_units_template_downloads_with_an_explanation_stored_with_bell_and_escape(
    danang_submission: Submission, danang_reporter: User
) -> None:
    Answer.objects.filter(submission=danang_submission, node__key="1.1.1").update(explanation=BELL_AND_ESCAPE)

    response = logged_in(danang_reporter).get(f"/submissions/{danang_submission.pk}/excel/")

    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["Số liệu"]["J3"].value == "bell esc"


def test_the_points_lost_workbook_downloads_with_reasons_stored_with_control_characters(
    submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    appraise_answer(answer_id=answer_of(submitted_danang, "1.1.2").pk, user=appraiser, decision="adjust",
                    reason="Danh sách tập huấn.", given=AnswerInput(value=Decimal(40)))  # fmt: skip
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)
    transition_submission(submission_id=submitted_danang.pk, user=appraiser, action="finish_appraisal")
    recompute_campaign(campaign_id=submitted_danang.campaign_id)
    Answer.objects.filter(submission=submitted_danang, node__key="1.1.2").update(
        appraisal_reason="Danh sách\u0007 tập huấn.", explanation_reply="Đã gửi\u001b bổ sung."
    )

    response = logged_in(danang_reporter).get(f"/submissions/{submitted_danang.pk}/points-lost/?format=xlsx")

    assert response.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(response.content))["Chi so bi tru diem"].iter_rows(min_row=3, values_only=True)
    )
    assert [(row[0], row[10]) for row in rows] == [
        ("1.1.2", "Thẩm định: Danh sách tập huấn.\nGiải trình: Đã gửi bổ sung.")
    ]
