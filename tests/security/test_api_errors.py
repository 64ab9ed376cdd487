"""Errors integrators parse: JSON under /api/ even for URLs that match nothing or a body too big, in
Vietnamese like the pages, and CSV that always has its header (found by the schema fuzzing)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import User
from submissions.models import Submission

pytestmark = pytest.mark.django_db


def test_an_api_url_that_matches_nothing_answers_json() -> None:
    response = APIClient().get("/api/v1/submissions/-1/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Không tìm thấy."}


def test_a_page_that_matches_nothing_is_still_the_portals_page(client: object) -> None:
    response = client.get("/khong-co-trang-nay/")  # type: ignore[attr-defined]

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_empty_csv_list_still_has_its_header_and_type() -> None:
    response = APIClient().get("/api/v1/campaigns/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "year,level,name,framework,version,published_at,revision_note,source,versions,coverage"
    ]


def test_an_unknown_submission_answers_a_vietnamese_not_found(danang_reporter: User) -> None:
    client = APIClient()
    client.force_authenticate(danang_reporter)

    response = client.get("/api/v1/submissions/999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}


def test_a_request_without_credentials_is_refused_in_vietnamese() -> None:
    response = APIClient().get("/api/v1/submissions/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Chưa cung cấp thông tin xác thực."}


def test_a_value_that_is_not_a_number_is_refused_in_vietnamese(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = APIClient()
    client.force_authenticate(danang_reporter)

    response = client.put(f"/api/v1/submissions/{danang_submission.pk}/answers/1.1.1/",
                          {"value": "nhiều", "version": 0}, format="json")  # fmt: skip

    assert response.status_code == 400
    assert response.json() == {"value": ["Cần nhập một số hợp lệ."]}


def test_a_malformed_json_body_is_refused_in_vietnamese(danang_submission: Submission, danang_reporter: User) -> None:
    client = APIClient()
    client.force_authenticate(danang_reporter)

    response = client.put(f"/api/v1/submissions/{danang_submission.pk}/answers/1.1.1/", "{value:",
                          content_type="application/json")  # fmt: skip

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON không hợp lệ")


def test_an_api_client_that_chose_english_gets_drfs_english(danang_reporter: User) -> None:
    client = APIClient()
    client.cookies["django_language"] = "en"

    response = client.get("/api/v1/submissions/")

    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_an_oversized_body_answers_json_413(settings: Settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = APIClient().post("/api/v1/auth/token/", {"username": "x" * 2000, "password": "y"}, format="json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Nội dung gửi lên quá lớn."}


def test_too_many_files_answer_json_400(
    danang_submission: Submission, danang_reporter: User, settings: Settings
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client = APIClient()
    client.force_authenticate(danang_reporter)
    files = {f"file{number}": SimpleUploadedFile(f"{number}.pdf", b"%PDF-1.4") for number in range(3)}

    response = client.post(f"/api/v1/submissions/{danang_submission.pk}/answers/1.1.1/evidence/", files)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Gửi quá nhiều tệp trong một yêu cầu."}


def test_a_refusal_before_any_api_view_still_answers_json_under_api() -> None:
    response = Client().get("/api/v1/campaigns/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Yêu cầu không hợp lệ."}


def test_a_refusal_before_any_page_view_is_still_a_page() -> None:
    response = Client().get("/results/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations/48%00/",
        "/api/v1/frameworks/dti%00/",
        "/frameworks/dti%00/",
        "/frameworks/?q=%00",
        "/api/v1/organisations/?level=province%00",
        "/results/units/48%00/",
    ],
)
def test_a_nul_character_in_an_address_is_a_400_never_a_server_error(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json")
