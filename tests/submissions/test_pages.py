"""The data-entry pages: what each person sees and what a save, an upload or a step does."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from submissions.models import Campaign, Submission
from submissions.services.entry import upload_evidence
from tests.pdfs import pdf, png_renamed_pdf

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_reporter_sees_every_section_with_progress(danang_submission: Submission, danang_reporter: User) -> None:
    client = logged_in(danang_reporter)
    response = client.get(f"/submissions/{danang_submission.pk}/")
    first = client.get(f"/submissions/{danang_submission.pk}/sections/1/").content.decode()
    second = client.get(f"/submissions/{danang_submission.pk}/sections/2/").content.decode()

    sections = response.context["overview"].sections
    assert response.status_code == 200
    assert [section.node.code for section in sections] == ["1", "2"]
    assert [(section.answered, section.required) for section in sections] == [(0, 3), (0, 1)]
    assert 'id="node-1-1-2-value"' in first
    assert 'id="node-1-1-2-value"' not in second
    assert "Chỉ số do cơ quan đánh giá cung cấp (Đánh giá của chuyên gia); đơn vị không nhập." in first + second


def test_a_huế_reporter_gets_404_for_đà_nẵng(danang_submission: Submission, hue_reporter: User) -> None:
    client = logged_in(hue_reporter)

    assert client.get(f"/submissions/{danang_submission.pk}/").status_code == 404
    assert client.post(f"/submissions/{danang_submission.pk}/answers/1.1.1/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(danang_submission: Submission) -> None:
    response = Client().get(f"/submissions/{danang_submission.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_htmx_save_answers_with_the_leafs_new_version_score_and_status_out_of_band(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = logged_in(danang_reporter).post(
        f"/submissions/{danang_submission.pk}/answers/1.1.2/",
        {"node-1-1-2-version": "0", "node-1-1-2-value": "63,56", "node-1-1-2-explanation": ""},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    # Only what changed is swapped, so the field the person moved on to keeps focus and text.
    assert '<article class="leaf-card"' not in html
    assert (
        '<input type="hidden" name="node-1-1-2-version" value="1" id="node-1-1-2-version" form="section-form" '
        'hx-swap-oob="true">'
    ) in html
    assert '<strong class="self-score" id="node-1-1-2-score" hx-swap-oob="true">19,07</strong>' in html
    assert 'id="node-1-1-2-status" role="status" hx-swap-oob="true">Đã lưu lúc ' in html
    assert danang_submission.answers.get(node__key="1.1.2").version == 1


def test_a_bad_number_is_shown_next_to_its_field_and_nothing_is_saved(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = logged_in(danang_reporter).post(
        f"/submissions/{danang_submission.pk}/answers/1.1.2/",
        {"node-1-1-2-version": "0", "node-1-1-2-value": "120"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 400
    # The whole card replaces itself: the reason under the field, the typed value kept.
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#node-1-1-2", "outerHTML")
    assert '<p class="field-error" role="alert">Tỷ lệ phải từ 0 đến 100 (%).</p>' in html
    assert 'value="120"' in html
    assert danang_submission.answers.get(node__key="1.1.2").version == 0


def test_a_stale_save_says_so_and_shows_the_current_value(danang_submission: Submission, danang_reporter: User) -> None:
    client = logged_in(danang_reporter)
    url = f"/submissions/{danang_submission.pk}/answers/1.1.2/"
    client.post(url, {"node-1-1-2-version": "0", "node-1-1-2-value": "40"}, HTTP_HX_REQUEST="true")

    response = client.post(url, {"node-1-1-2-version": "0", "node-1-1-2-value": "90"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 409
    assert "danang.baocao đã lưu chỉ số này sau khi bạn mở trang: giá trị đã lưu là “40”." in html
    # What the person typed stays in the field, set against the stored version, ready to keep.
    assert 'value="90"' in html
    assert 'name="node-1-1-2-version" value="1"' in html
    assert "Giữ giá trị của tôi" in html
    assert "Dùng giá trị đã lưu" in html


def test_a_rejected_upload_names_the_file_and_the_reason(danang_submission: Submission, danang_reporter: User) -> None:
    response = logged_in(danang_reporter).post(
        f"/submissions/{danang_submission.pk}/answers/1.1.1/evidence/",
        {"file": SimpleUploadedFile("anh-chup.pdf", png_renamed_pdf()), "title": "Ảnh"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 400
    # The leaf's card comes back with the reason under its upload field.
    assert html.lstrip().startswith('<article class="leaf-card leaf-card-error" id="node-1-1-1"')
    assert (
        '<p class="field-error" id="node-1-1-1-file-error" role="alert">Tệp “anh-chup.pdf” bị từ chối: '
        "Tệp không phải PDF (nội dung là image/png) dù có thể mang đuôi .pdf.</p>"
    ) in html


def test_evidence_is_served_only_to_those_who_see_the_submission(
    danang_submission: Submission, danang_reporter: User, hue_reporter: User, appraiser: User
) -> None:
    answer = danang_submission.answers.get(node__key="1.1.1")
    evidence = upload_evidence(answer_id=answer.pk, user=danang_reporter, content=pdf(), original_name="Quyết định.pdf",
                               title="QĐ")  # fmt: skip
    url = f"/submissions/evidence/{evidence.pk}/"

    own = logged_in(danang_reporter).get(url)
    inline = logged_in(appraiser).get(url + "?inline=1")

    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    assert own["Content-Disposition"] == "attachment; filename*=utf-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf"
    assert own["X-Content-Type-Options"] == "nosniff"
    assert b"".join(own.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert inline["Content-Disposition"].startswith("inline;")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    assert logged_in(hue_reporter).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_approver_sees_the_step_and_can_return_with_a_reason(
    danang_submission: Submission, danang_it_lead: User
) -> None:
    danang_submission.state = "awaiting_it_lead"
    danang_submission.save()
    client = logged_in(danang_it_lead)

    page = client.get(f"/submissions/{danang_submission.pk}/").content.decode()
    response = client.post(f"/submissions/{danang_submission.pk}/transition/",
                           {"action": "return", "from_state": "awaiting_it_lead", "comment": "Thiếu số liệu 1.2.1"},
                           follow=True)  # fmt: skip

    assert 'name="action" value="approve"' in page
    assert 'name="action" value="return"' in page
    assert [str(m) for m in response.context["messages"]] == ["Hồ sơ chuyển sang: Đang nhập số liệu."]


def test_the_list_marks_what_waits_for_the_user(danang_submission: Submission, danang_it_lead: User) -> None:
    danang_submission.state = "awaiting_it_lead"
    danang_submission.save()

    response = logged_in(danang_it_lead).get("/submissions/")

    assert [s.organisation.code for s in response.context["submissions"]] == ["48"]
    assert response.context["awaiting"] == {danang_submission.pk}


def test_the_next_actor_sees_an_unread_notification_and_can_mark_it_read(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User
) -> None:
    from submissions.models import Notification
    from submissions.services.approval import transition_submission
    from tests.submissions.conftest import fill_in

    fill_in(danang_submission, danang_reporter)
    transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")
    client = Client()
    client.force_login(danang_it_lead)

    page = client.get("/submissions/notifications/")

    assert page.context["unread_notifications"] == 1
    assert [n.submission_id for n in page.context["notifications"]] == [danang_submission.pk]
    assert client.post("/submissions/notifications/").status_code == 302
    assert Notification.objects.filter(user=danang_it_lead, read_at=None).count() == 0


def test_each_leaf_shows_its_own_history(danang_submission: Submission, danang_reporter: User) -> None:
    from decimal import Decimal

    from submissions.services.entry import AnswerInput, save_answer

    answer = danang_submission.answers.get(node__key="1.1.2")
    save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(40)), expected_version=0)
    save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(55)), expected_version=1)
    client = Client()
    client.force_login(danang_reporter)

    page = client.get(f"/submissions/{danang_submission.pk}/sections/1/")

    item = next(item for item in page.context["items"] if item["answer"].node.key == "1.1.2")
    assert [(event.old["value"], event.new["value"]) for event in item["answer"].events.all()] == [
        ("40", "55"),
        (None, "40"),
    ]
    assert "Lịch sử gần đây" in page.content.decode()


def test_viewing_a_file_in_the_page_is_not_blocked_as_a_sandboxed_frame(
    danang_submission: Submission, danang_reporter: User
) -> None:
    # A CSP `sandbox` keeps the browser's PDF viewer from running, so "Xem" downloaded the file.
    answer = danang_submission.answers.get(node__key="1.1.1")
    evidence = upload_evidence(answer_id=answer.pk, user=danang_reporter, content=pdf(), original_name="qd.pdf",
                               title="QĐ")  # fmt: skip

    inline = logged_in(danang_reporter).get(f"/submissions/evidence/{evidence.pk}/?inline=1")
    page = logged_in(danang_reporter).get(f"/submissions/{danang_submission.pk}/sections/1/").content.decode()

    assert inline["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert inline["Content-Disposition"].startswith("inline;")
    assert f'href="/submissions/evidence/{evidence.pk}/?inline=1" target="_blank"' in page


def test_a_2025_campaign_names_hue_as_the_city_it_has_been_since_2025(
    client: Client, campaign: Campaign, appraiser: User
) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(year=2025)
    hue = Submission.objects.get(campaign=campaign, organisation__code="46")

    page = logged_in(appraiser).get(f"/submissions/{hue.pk}/").content.decode()

    assert hue.unit_name == "Huế"
    assert "<h1>Huế — " in page
    assert "Thừa Thiên" not in page


def test_the_list_counts_a_leaf_with_two_files_as_one_answered_leaf(
    danang_submission: Submission, danang_reporter: User
) -> None:
    from decimal import Decimal

    from submissions.services.entry import AnswerInput, save_answer

    answer = danang_submission.answers.get(node__key="1.1.1")
    save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(1)), expected_version=0)
    for title in ("Quyết định", "Kế hoạch"):
        upload_evidence(answer_id=answer.pk, user=danang_reporter, content=pdf(marker=title), original_name="qd.pdf",
                        title=title)  # fmt: skip

    listed = logged_in(danang_reporter).get("/submissions/").context["submissions"].get(pk=danang_submission.pk)

    assert (listed.answered, listed.required, listed.evidence_count) == (1, 4, 2)
