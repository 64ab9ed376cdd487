"""Shared fixtures: the database guard, the reference organisations and the named personas.

Personas: a Đà Nẵng reporter; a Huế reporter, who must never see Đà Nẵng's draft; an appraiser
and an administrator of the national authority.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from pytest_django.fixtures import Settings

from accounts.models import Organisation, Role, User
from accounts.services import load_organisations
from dti_portal import celery_app
from tests.factories import TEST_ORGANISATIONS, UserFactory


def pytest_report_header(config: pytest.Config) -> list[str]:
    broker = settings.CELERY_BROKER_URL or "none (tasks in-process)"
    return [f"database: {connection.vendor} ({connection.settings_dict['NAME']})", f"celery broker: {broker}"]


@pytest.fixture(scope="session", autouse=True)
def _database_is_the_expected_one() -> None:
    """CI sets DTI_EXPECT_DATABASE=postgresql: a run on any other database must not pass."""
    expected = os.environ.get("DTI_EXPECT_DATABASE")
    if expected and connection.vendor != expected:
        pytest.exit(f"The suite must run on {expected}, but DATABASE_URL gives {connection.vendor}.", returncode=3)


@pytest.fixture(autouse=True)
def _private_media_root(settings: Settings, tmp_path: Path) -> None:
    """Evidence written by a test goes to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "evidence"


@pytest.fixture
def organisations(db: None) -> dict[str, Organisation]:
    """The test slice of the reference organisations, by code."""
    load_organisations(data=TEST_ORGANISATIONS)
    return Organisation.objects.in_bulk(field_name="code")


@pytest.fixture
def danang_reporter(organisations: dict[str, Organisation]) -> User:
    return UserFactory(username="danang.baocao", organisation=organisations["48"], roles=[Role.REPORTER])


@pytest.fixture
def hue_reporter(organisations: dict[str, Organisation]) -> User:
    """Reports for Huế; must never see Đà Nẵng's unpublished data."""
    return UserFactory(username="hue.baocao", organisation=organisations["46"], roles=[Role.REPORTER])


@pytest.fixture
def appraiser(organisations: dict[str, Organisation]) -> User:
    return UserFactory(username="thamdinh", organisation=organisations["authority"], roles=[Role.APPRAISER])


@pytest.fixture
def administrator(organisations: dict[str, Organisation]) -> User:
    return UserFactory(username="quantri", organisation=organisations["authority"], roles=[Role.ADMIN], is_staff=True)


@pytest.fixture
def celery_config() -> Iterator[Callable[..., None]]:
    """Change Celery's configuration for one test: `celery_config(task_always_eager=False)`."""
    saved: dict[str, Any] = {}

    def change(**values: Any) -> None:
        for key, value in values.items():
            saved.setdefault(key, celery_app.conf[key])
            celery_app.conf[key] = value

    yield change
    for key, value in saved.items():
        celery_app.conf[key] = value
