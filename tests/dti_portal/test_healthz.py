from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.fixtures import Settings

from dti_portal import __version__

pytestmark = pytest.mark.django_db


def test_healthz_without_a_broker_runs_tasks_in_process(client: Client, settings: Settings) -> None:
    settings.CELERY_BROKER_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "in-process", "version": __version__}


def test_healthz_reports_a_down_broker_but_stays_up(client: Client, settings: Settings) -> None:
    # given a broker configured on a port where nothing listens
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "down", "version": __version__}


@pytest.mark.integration
@pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="No CELERY_BROKER_URL: needs a real broker.")
def test_healthz_reports_a_live_broker(client: Client) -> None:
    response = client.get("/healthz")

    assert response.json() == {"database": "ok", "broker": "ok", "version": __version__}


def test_healthz_is_never_cached(client: Client) -> None:
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_only_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
