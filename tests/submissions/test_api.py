"""The journey through the API alone, and what each answer code means."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from accounts.models import User
from submissions.models import Submission
from submissions.services.entry import remove_evidence, upload_evidence
from tests.pdfs import pdf, png_renamed_pdf
from tests.submissions.conftest import answer_of

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

pytestmark = pytest.mark.django_db


def client_for(user: User) -> APIClient:
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": "Mat-khau-thu-2026"})
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def put_answer(client: APIClient, submission: Submission, key: str, **body: object) -> _MonkeyPatchedResponse:
    return client.put(f"/api/v1/submissions/{submission.pk}/answers/{key}/", body, format="json")


def test_a_province_takes_its_submission_to_the_authority_through_the_api(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User, danang_leader: User
) -> None:
    reporter, it_lead, leader = client_for(danang_reporter), client_for(danang_it_lead), client_for(danang_leader)
    base = f"/api/v1/submissions/{danang_submission.pk}"

    assert put_answer(reporter, danang_submission, "1.1.1", value=1, version=0).status_code == 200
    upload = reporter.post(f"{base}/answers/1.1.1/evidence/",
                           {"file": SimpleUploadedFile("qd.pdf", pdf(), "application/pdf"), "title": "Quyết định"},
                           format="multipart")  # fmt: skip
    assert upload.status_code == 201
    answers: list[tuple[str, dict[str, object]]] = [
        ("1.1.2", {"value": "63.56"}), ("1.2.1", {"choice": "Hằng tuần"}), ("2.1.1", {"value": 2}),
    ]  # fmt: skip
    for key, body in answers:
        response = put_answer(reporter, danang_submission, key, **body, explanation="Số liệu của Sở", version=0)
        assert response.status_code == 200
    assert reporter.post(f"{base}/transitions/", {"action": "submit", "from_state": "draft"}).json() == {
        "id": danang_submission.pk,
        "state": "awaiting_it_lead",
    }
    approve = {"action": "approve", "from_state": "awaiting_it_lead"}
    assert it_lead.post(f"{base}/transitions/", approve).json()["state"] == "awaiting_leader"
    returned = leader.post(
        f"{base}/transitions/", {"action": "return", "from_state": "awaiting_leader", "comment": "Thiếu văn bản 1.1.2"}
    )
    assert returned.json()["state"] == "awaiting_it_lead"
    assert it_lead.post(f"{base}/transitions/", approve).json()["state"] == "awaiting_leader"
    final = leader.post(f"{base}/transitions/", {"action": "approve", "from_state": "awaiting_leader"})

    assert final.status_code == 200
    assert final.json()["state"] == "submitted"
    detail = reporter.get(f"{base}/").json()
    assert detail["state"] == "submitted"
    assert detail["answers"]["1.1.1"]["evidence"][0]["title"] == "Quyết định"
    assert detail["answers"]["1.1.2"]["self_score"] == 19.068
    assert detail["answers"]["1.1.2"]["version"] == 1


def test_the_list_shows_only_the_users_own_unit(danang_submission: Submission, hue_reporter: User) -> None:
    body = client_for(hue_reporter).get("/api/v1/submissions/").json()

    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    assert [row["organisation_code"] for row in body["results"]] == ["46"]
    assert set(body["results"][0]) == {"id", "organisation_code", "year", "level", "campaign", "state"}


def test_another_units_submission_answers_404(danang_submission: Submission, hue_reporter: User) -> None:
    client = client_for(hue_reporter)

    assert client.get(f"/api/v1/submissions/{danang_submission.pk}/").status_code == 404
    assert put_answer(client, danang_submission, "1.1.1", value=1, version=0).status_code == 404


def test_a_stale_version_answers_409_and_keeps_the_value(danang_submission: Submission, danang_reporter: User) -> None:
    client = client_for(danang_reporter)
    put_answer(client, danang_submission, "1.1.2", value=40, version=0)

    response = put_answer(client, danang_submission, "1.1.2", value=90, version=0)

    assert response.status_code == 409
    assert response.json()["detail"] == "Dữ liệu đã được người khác cập nhật – vui lòng tải lại"
    assert client.get(f"/api/v1/submissions/{danang_submission.pk}/").json()["answers"]["1.1.2"]["value"] == 40.0


def test_bad_input_answers_400_with_field_errors(danang_submission: Submission, danang_reporter: User) -> None:
    client = client_for(danang_reporter)

    out_of_range = put_answer(client, danang_submission, "1.1.2", value=120, version=0)
    not_a_number = put_answer(client, danang_submission, "1.1.2", value="nhiều", version=0)

    assert out_of_range.status_code == 400
    assert out_of_range.json() == {"value": ["Tỷ lệ phải từ 0 đến 100 (%)."]}
    assert not_a_number.status_code == 400
    assert list(not_a_number.json()) == ["value"]


def test_a_bad_file_answers_400_with_the_reason(danang_submission: Submission, danang_reporter: User) -> None:
    response = client_for(danang_reporter).post(
        f"/api/v1/submissions/{danang_submission.pk}/answers/1.1.1/evidence/",
        {"file": SimpleUploadedFile("anh.pdf", png_renamed_pdf(), "application/pdf")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {"file": ["Tệp không phải PDF (nội dung là image/png) dù có thể mang đuôi .pdf."]}


def test_an_action_not_allowed_in_the_state_answers_409(danang_submission: Submission, danang_leader: User) -> None:
    response = client_for(danang_leader).post(
        f"/api/v1/submissions/{danang_submission.pk}/transitions/", {"action": "approve", "from_state": "draft"}
    )

    assert response.status_code == 409


def test_the_wrong_role_answers_403(danang_submission: Submission, danang_office: User) -> None:
    response = client_for(danang_office).post(
        f"/api/v1/submissions/{danang_submission.pk}/transitions/", {"action": "submit", "from_state": "draft"}
    )

    assert response.status_code == 403


def test_without_a_token_the_api_refuses(danang_submission: Submission) -> None:
    assert APIClient().get("/api/v1/submissions/").status_code == 401


def test_a_wrong_password_gets_no_token(danang_reporter: User) -> None:
    response = APIClient().post("/api/v1/auth/token/", {"username": "danang.baocao", "password": "sai"})

    assert response.status_code == 400


def test_the_detail_lists_each_answers_files_without_the_withdrawn_ones(
    danang_submission: Submission, danang_reporter: User
) -> None:
    kept = upload_evidence(answer_id=answer_of(danang_submission, "1.1.1").pk, user=danang_reporter,
                           content=pdf(), original_name="qd.pdf", title="Quyết định")  # fmt: skip
    withdrawn = upload_evidence(answer_id=answer_of(danang_submission, "1.1.2").pk, user=danang_reporter,
                                content=pdf(2), original_name="bc.pdf", title="Báo cáo")  # fmt: skip
    remove_evidence(evidence_id=withdrawn.pk, user=danang_reporter)

    answers = client_for(danang_reporter).get(f"/api/v1/submissions/{danang_submission.pk}/").json()["answers"]

    assert [(item["id"], item["title"], item["pages"]) for item in answers["1.1.1"]["evidence"]] == [
        (kept.pk, "Quyết định", 1)
    ]
    assert answers["1.1.2"]["evidence"] == []
    assert list(answers) == list(danang_submission.answers.order_by("node__order").values_list("node__key", flat=True))


def test_the_detail_reads_a_submission_in_the_same_six_queries_however_many_files_it_has(
    danang_submission: Submission, danang_reporter: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(danang_reporter)
    url = f"/api/v1/submissions/{danang_submission.pk}/"
    # The token's two look-ups, the submission, the framework's tree, its answers, and every answer's files.
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    for number, key in enumerate(["1.1.1", "1.1.2", "2.1.1"], start=1):
        upload_evidence(answer_id=answer_of(danang_submission, key).pk, user=danang_reporter, content=pdf(number),
                        original_name=f"{number}.pdf", title=str(number))  # fmt: skip

    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
