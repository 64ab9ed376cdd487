"""Throttling is real: anonymous clients by address and accounts by user get 429 with Retry-After once
over their rate, and behind the trusted reverse proxy the address is the client's, not the proxy's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture
def low_rates(settings: Settings) -> Iterator[None]:
    """Three anonymous requests and five per account a minute (the suite's own rates are far higher)."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute",
                                                                                    "user": "5/minute"}}  # fmt: skip
    cache.clear()
    yield
    cache.clear()


def anonymous_statuses(count: int, **environ: str) -> list[int]:
    client = APIClient()
    client.defaults.update(environ)
    return [client.get("/api/v1/campaigns/").status_code for _ in range(count)]


def test_an_anonymous_client_over_its_rate_gets_429_with_retry_after_in_vietnamese(low_rates: None) -> None:
    assert anonymous_statuses(3) == [200, 200, 200]

    response = APIClient().get("/api/v1/campaigns/")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json() == {"detail": f"Quá nhiều yêu cầu; vui lòng thử lại sau {response['Retry-After']} giây."}


def test_an_account_over_its_rate_gets_429_and_another_account_does_not(low_rates: None, danang_reporter: User,
                                                                        hue_reporter: User) -> None:  # fmt: skip
    reporter, other = APIClient(), APIClient()
    reporter.force_authenticate(danang_reporter)
    other.force_authenticate(hue_reporter)

    statuses = [reporter.get("/api/v1/submissions/").status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    assert other.get("/api/v1/submissions/").status_code == 200


def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(low_rates: None) -> None:
    statuses = [
        APIClient().get("/api/v1/campaigns/", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}").status_code
        for number in range(4)
    ]

    assert statuses == [200, 200, 200, 429]


def test_behind_the_trusted_proxy_each_client_has_its_own_rate(low_rates: None, settings: Settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    # The second client forges a left part; the proxy appends the address it saw.
    second = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7, 198.51.100.9"}

    assert anonymous_statuses(4, **first) == [200, 200, 200, 429]
    assert anonymous_statuses(3, **second) == [200, 200, 200]


@pytest.fixture
def lockout(settings: Settings) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def token_attempt(password: str, forwarded_for: str = "203.0.113.7") -> tuple[int, dict[str, str], str]:
    response = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for).post(
        "/api/v1/auth/token/", {"username": "danang.baocao", "password": password}
    )
    return response.status_code, response.json(), response.get("Retry-After", "")


def test_a_locked_account_gets_429_on_the_api_with_the_cool_off_not_the_wrong_password_answer(
    lockout: None, danang_reporter: User
) -> None:
    assert [token_attempt("sai-mat-khau")[0] for _ in range(2)] == [400, 400]

    status, body, retry_after = token_attempt("sai-mat-khau")

    assert (status, retry_after) == (429, "900")
    assert body == {"detail": "Đăng nhập tạm bị khóa vì nhập sai mật khẩu quá nhiều lần; vui lòng thử lại sau "
                              "15 phút hoặc liên hệ quản trị viên."}  # fmt: skip
    assert token_attempt("Mat-khau-thu-2026")[0] == 429


def test_a_wrong_password_is_told_apart_from_a_lockout(danang_reporter: User) -> None:
    status, body, _retry_after = token_attempt("sai-mat-khau")

    assert (status, body) == (400, {"non_field_errors": ["Tên đăng nhập hoặc mật khẩu không đúng."]})


def test_behind_the_trusted_proxy_one_clients_failures_do_not_lock_out_another(
    lockout: None, settings: Settings, danang_reporter: User
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        token_attempt("sai-mat-khau", forwarded_for="198.51.100.66")

    assert token_attempt("sai-mat-khau", forwarded_for="198.51.100.66")[0] == 429
    assert token_attempt("Mat-khau-thu-2026", forwarded_for="203.0.113.7")[0] == 200


def test_a_locked_out_login_page_says_when_to_retry(lockout: None, danang_reporter: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        client.post("/accounts/login/", {"username": "danang.baocao", "password": "sai-mat-khau"})

    response = client.post("/accounts/login/", {"username": "danang.baocao", "password": "sai-mat-khau"})

    assert (response.status_code, response["Retry-After"]) == (429, "900")
    assert "Tạm khóa đăng nhập" in response.content.decode()


def test_a_forwarded_address_that_is_not_one_falls_back_to_the_connections(settings: Settings) -> None:
    from dti_portal.client_address import client_address

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="<script>")

    assert client_address(request) == PROXY
