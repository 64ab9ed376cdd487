"""API tokens expire, end with a password change or deactivation, and can be revoked by the API and
from the profile page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import CONSTANTS
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import Organisation, Role, User
from accounts.services import deactivate_account, save_account
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-thu-2026"


def obtain(user: User, password: str = PASSWORD) -> dict[str, str]:
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def status_with(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/submissions/").status_code


def test_a_token_carries_its_expiry_twelve_hours_ahead(danang_reporter: User) -> None:
    before = timezone.now()
    answer = obtain(danang_reporter)
    after = timezone.now()

    expiry = datetime.datetime.fromisoformat(answer["expiry"])
    assert sorted(answer) == ["expiry", "token"]
    assert before + datetime.timedelta(hours=12) <= expiry <= after + datetime.timedelta(hours=12)
    assert expiry.utcoffset() == datetime.timedelta(hours=7)
    assert status_with(answer["token"]) == 200


def test_api_token_hours_sets_the_lifetime(danang_reporter: User, settings: Settings) -> None:
    settings.API_TOKEN_HOURS = 1

    expiry = datetime.datetime.fromisoformat(obtain(danang_reporter)["expiry"])

    assert expiry - timezone.now() <= datetime.timedelta(hours=1)


def test_an_expired_token_is_refused_in_vietnamese(danang_reporter: User) -> None:
    token = obtain(danang_reporter)["token"]
    AuthToken.objects.filter(user=danang_reporter).update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/submissions/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."}


def test_each_login_gets_a_token_of_its_own(danang_reporter: User) -> None:
    first, second = obtain(danang_reporter)["token"], obtain(danang_reporter)["token"]

    assert first != second
    assert [status_with(first), status_with(second)] == [200, 200]


def test_tokens_are_stored_only_as_digests(danang_reporter: User) -> None:
    token = obtain(danang_reporter)["token"]

    stored = AuthToken.objects.get(user=danang_reporter)
    assert token not in (stored.digest, stored.token_key)


def test_delete_revokes_the_token_used_and_only_that_one(danang_reporter: User) -> None:
    used, other = obtain(danang_reporter)["token"], obtain(danang_reporter)["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {used}")

    response = client.delete("/api/v1/auth/token/")

    assert response.status_code == 204
    assert [status_with(used), status_with(other)] == [401, 200]


def test_delete_without_a_token_is_refused() -> None:
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401


def test_a_login_with_a_revoked_token_still_in_its_header_gets_a_new_token(danang_reporter: User) -> None:
    old = obtain(danang_reporter)["token"]
    AuthToken.objects.filter(user=danang_reporter).delete()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")

    response = client.post("/api/v1/auth/token/", {"username": "danang.baocao", "password": PASSWORD})

    assert response.status_code == 200


def test_changing_the_password_on_the_page_revokes_every_token(danang_reporter: User) -> None:
    tokens = [obtain(danang_reporter)["token"] for _ in range(2)]
    client = Client()
    client.force_login(danang_reporter)

    new_password = "Mat-khau-moi-2026"
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    assert [status_with(token) for token in tokens] == [401, 401]
    assert status_with(obtain(danang_reporter, "Mat-khau-moi-2026")["token"]) == 200


def test_a_password_set_by_the_account_import_revokes_every_token(
    danang_reporter: User, organisations: dict[str, Organisation]
) -> None:
    token = obtain(danang_reporter)["token"]

    save_account(username="danang.baocao", password="Mat-khau-moi-2026", organisation=organisations["48"],
                 roles=[Role.REPORTER])  # fmt: skip

    assert status_with(token) == 401


def test_saving_the_account_without_a_new_password_keeps_its_tokens(danang_reporter: User) -> None:
    token = obtain(danang_reporter)["token"]
    danang_reporter.refresh_from_db()

    danang_reporter.first_name = "Nguyễn Văn An"
    danang_reporter.save()

    assert status_with(token) == 200


def test_deactivating_the_account_revokes_every_token(danang_reporter: User) -> None:
    token = obtain(danang_reporter)["token"]

    deactivate_account(user_id=danang_reporter.pk)

    assert AuthToken.objects.filter(user=danang_reporter).count() == 0
    assert status_with(token) == 401


def test_the_profile_page_shows_the_person_and_their_live_tokens(danang_reporter: User) -> None:
    danang_reporter.first_name = "Nguyễn Văn An"
    danang_reporter.save()
    obtain(danang_reporter)
    obtain(danang_reporter)
    expired, _token = AuthToken.objects.create(user=danang_reporter, expiry=datetime.timedelta(seconds=-1))
    client = Client()
    client.force_login(danang_reporter)

    html = client.get("/accounts/profile/").content.decode()

    assert "Nguyễn Văn An" in html
    assert "danang.baocao" in html
    assert "Thành phố Đà Nẵng" in html
    assert "Chuyên viên báo cáo" in html
    assert html.count('name="token"') == 2
    assert expired.digest not in html
    assert 'href="/accounts/profile/"' in client.get("/").content.decode()


def test_revoking_a_token_from_the_profile_page_ends_it(danang_reporter: User) -> None:
    token = obtain(danang_reporter)["token"]
    kept = obtain(danang_reporter)["token"]
    digest = AuthToken.objects.get(user=danang_reporter, token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH]).digest
    client = Client(enforce_csrf_checks=True)
    client.force_login(danang_reporter)
    page = client.get("/accounts/profile/")

    response = client.post("/accounts/profile/tokens/revoke/",
                           {"token": digest, "csrfmiddlewaretoken": page.context["csrf_token"]})  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert [status_with(token), status_with(kept)] == [401, 200]


def test_nobody_revokes_another_persons_token(danang_reporter: User, hue_reporter: User) -> None:
    token = obtain(danang_reporter)["token"]
    digest = AuthToken.objects.get(user=danang_reporter).digest
    client = Client()
    client.force_login(hue_reporter)

    response = client.post("/accounts/profile/tokens/revoke/", {"token": digest})

    assert response.status_code == 404
    assert status_with(token) == 200


def test_revoking_needs_a_post(danang_reporter: User) -> None:
    client = Client()
    client.force_login(danang_reporter)

    assert client.get("/accounts/profile/tokens/revoke/").status_code == 405


def test_a_person_without_an_organisation_still_has_a_profile() -> None:
    client = Client()
    client.force_login(UserFactory.create(username="khach"))

    assert client.get("/accounts/profile/").status_code == 200
