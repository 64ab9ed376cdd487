"""Login throttling: repeated failures for one username from one address lock that pair for a while."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def throttled(settings: Settings) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def attempt(password: str, address: str = "203.0.113.7") -> int:
    response = Client(REMOTE_ADDR=address).post("/accounts/login/", {"username": "danang.baocao", "password": password})
    return response.status_code


def test_the_third_failure_locks_out_even_the_right_password(throttled: None, danang_reporter: User) -> None:
    statuses = [attempt("sai-mat-khau") for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert attempt("Mat-khau-thu-2026") == 429


def test_the_lock_holds_only_for_that_username_and_address(throttled: None, danang_reporter: User) -> None:
    for _ in range(3):
        attempt("sai-mat-khau")

    assert attempt("Mat-khau-thu-2026", address="198.51.100.9") == 302


def test_a_success_before_the_limit_resets_the_count(throttled: None, danang_reporter: User) -> None:
    attempt("sai-mat-khau")
    attempt("sai-mat-khau")
    assert attempt("Mat-khau-thu-2026") == 302

    assert [attempt("sai-mat-khau") for _ in range(2)] == [200, 200]
