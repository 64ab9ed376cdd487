"""Sessions: a new key at login, an end at logout, after idleness and after a working day; CSRF on every
unsafe request, HTMX ones included."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from submissions.models import Submission

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-thu-2026"


def log_in(client: Client, user: User) -> None:
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_the_session_key_changes_at_login(client: Client, danang_reporter: User) -> None:
    session = client.session
    session["seen"] = True
    session.save()
    before = client.session.session_key
    assert before is not None

    log_in(client, danang_reporter)

    assert client.session.session_key != before
    assert client.get("/submissions/").status_code == 200


def test_logout_ends_the_session_on_the_server(client: Client, danang_reporter: User) -> None:
    log_in(client, danang_reporter)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post("/accounts/logout/")
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = cookie

    assert stolen.get("/submissions/").status_code == 302


def test_an_idle_session_ends(client: Client, danang_reporter: User, settings: Settings) -> None:
    settings.SESSION_IDLE_SECONDS = 60
    log_in(client, danang_reporter)
    client.get("/submissions/")
    session = client.session
    session["last_seen"] = int(time.time()) - 61
    session.save()

    response = client.get("/submissions/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_active_session_stays_and_the_absolute_limit_is_a_working_day(client: Client, danang_reporter: User) -> None:
    log_in(client, danang_reporter)
    session = client.session
    session["last_seen"] = int(time.time()) - 30
    session.save()

    assert client.get("/submissions/").status_code == 200
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert client.session.get_expiry_age() <= 8 * 60 * 60


def test_unsafe_requests_without_the_csrf_token_are_refused(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(danang_reporter)
    url = f"/submissions/{danang_submission.pk}/answers/1.1.1/"

    plain = client.post(url, {"node-1-1-1-version": 0, "node-1-1-1-value": "1"})
    htmx = client.post(url, {"node-1-1-1-version": 0, "node-1-1-1-value": "1"}, HTTP_HX_REQUEST="true")
    comment = client.post(f"/submissions/{danang_submission.pk}/comment/", {"text": "Ý kiến"})

    assert [plain.status_code, htmx.status_code, comment.status_code] == [403, 403, 403]
    assert danang_submission.answers.get(node__key="1.1.1").value is None
