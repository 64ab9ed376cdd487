"""A database outage says so: 503 with Retry-After on pages and the API, and one log line per outage."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from dti_portal import outage

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query fails as it does while PostgreSQL restarts; the outage log starts afresh."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    monkeypatch.setattr(CursorWrapper, "executemany", refuse)
    monkeypatch.setattr(outage, "_last_logged", None)


def test_a_page_answers_503_with_retry_after_and_a_vietnamese_page(database_down: None) -> None:
    response = Client().get("/results/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert "Hệ thống tạm thời không truy cập được dữ liệu" in response.content.decode()


def test_the_api_answers_503_with_retry_after_in_json(database_down: None) -> None:
    response = APIClient().get("/api/v1/campaigns/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": "Hệ thống tạm thời không truy cập được dữ liệu; vui lòng thử lại sau ít phút."}


def test_a_signed_in_visitor_whose_session_cannot_be_read_gets_503_too(
    danang_reporter: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(danang_reporter)
    monkeypatch.setattr(outage, "_last_logged", None)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)

    # The session and the user are read by middleware, before any view runs.
    response = client.get("/submissions/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_an_outage_is_logged_once_not_per_request(database_down: None, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        statuses = [Client().get("/results/").status_code for _ in range(3)]
        statuses += [APIClient().get("/api/v1/campaigns/").status_code for _ in range(3)]

    assert statuses == [503] * 6
    assert [(record.name, record.levelname) for record in caplog.records] == [("dti_portal.outage", "ERROR")]
    assert "server closed the connection unexpectedly" in caplog.records[0].getMessage()


def test_a_later_outage_is_logged_again(database_down: None, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        Client().get("/results/")
        outage._last_logged = time.monotonic() - outage.LOG_EVERY_SECONDS - 1  # the previous line is long past
        Client().get("/results/")

    assert [record.name for record in caplog.records] == ["dti_portal.outage", "dti_portal.outage"]
