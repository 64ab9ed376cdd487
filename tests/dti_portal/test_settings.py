"""Start-up refuses bad configuration, naming the variable and the form it expects."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from dti_portal.settings.env import env_bool, env_cache, env_database, env_int, env_list

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def start_django(settings_module: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run `manage.py check` in a fresh interpreter with exactly these variables changed."""
    # A deployment has none of the variables the test run itself sets (a browser test sets Django's async flag).
    ignored = {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env.update(environment, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected_message"),
    [
        ("DATABASE_URL", "mysql://root@localhost/dti", "DATABASE_URL must look like postgres://"),
        ("DATABASE_URL", "not a url", "DATABASE_URL must look like postgres://"),
        ("CELERY_BROKER_URL", "http://127.0.0.1:6379", "CELERY_BROKER_URL must look like redis://"),
        ("EVIDENCE_MAX_MB", "twenty", "EVIDENCE_MAX_MB must be a whole number; got 'twenty'"),
        ("EVIDENCE_MAX_MB", "0", "EVIDENCE_MAX_MB must be at least 1; got 0"),
        ("EVIDENCE_CHECK_CPU_SECONDS", "0", "EVIDENCE_CHECK_CPU_SECONDS must be at least 1; got 0"),
        ("EVIDENCE_CHECK_MEMORY_MB", "64", "EVIDENCE_CHECK_MEMORY_MB must be at least 128; got 64"),
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be one of 1/0, true/false"),
        ("MEDIA_ROOT", "relative/evidence", "MEDIA_ROOT must be an absolute path"),
        ("API_THROTTLE_ANON", "60 per minute", "API_THROTTLE_ANON must look like 60/minute"),
        ("API_THROTTLE_USER", "0/minute", "API_THROTTLE_USER must look like 60/minute"),
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT must be at least 0; got -1"),
        ("CACHE_URL", "memcached://127.0.0.1:11211", "CACHE_URL must look like redis://HOST:6379/1"),
        ("CACHE_URL", "redis://127.0.0.1:six/1", "CACHE_URL must look like redis://HOST:6379/1"),
        ("PUBLISHED_CACHE_SECONDS", "0", "PUBLISHED_CACHE_SECONDS must be at least 1; got 0"),
    ],
)
def test_a_malformed_variable_stops_start_up_with_its_name(variable: str, value: str, expected_message: str) -> None:
    result = start_django("dti_portal.settings.local", **{variable: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert expected_message in result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    environment = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "dti_portal.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY is required but not set." in result.stderr


def test_production_refuses_a_short_secret_key() -> None:
    result = start_django("dti_portal.settings.production", SECRET_KEY="too-short")

    assert result.returncode != 0
    assert "SECRET_KEY must be a random string of at least 50 characters" in result.stderr


def test_production_settings_pass_the_deployment_checklist() -> None:
    # A deployment has none of the variables the test run itself sets (a browser test sets Django's async flag).
    ignored = {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env.update(
        DJANGO_SETTINGS_MODULE="dti_portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="dti.example.gov.vn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_sqlite_takes_its_write_lock_when_a_transaction_begins() -> None:
    config = env_database("NO_SUCH_VARIABLE", "sqlite:////tmp/dti.sqlite3")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/dti.sqlite3"  # noqa: S108
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_url_becomes_a_persistent_postgres_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dti_portal")

    config = env_database("SOME_DATABASE_URL", "sqlite:////unused.sqlite3")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "dti_portal"
    assert config["HOST"] == "127.0.0.1"
    assert config["CONN_MAX_AGE"] == 60


def test_a_redis_cache_url_becomes_a_redis_cache_that_gives_up_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_CACHE_URL", "redis://127.0.0.1:6379/6")

    config = env_cache("SOME_CACHE_URL", "locmemcache://unused")

    assert config == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/6",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }


@pytest.mark.parametrize("url", ["redis://", "redis://127.0.0.1:6379/cache", "locmemcache://", "file:///tmp/cache"])
def test_a_malformed_cache_url_is_refused_with_the_form_it_expects(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("SOME_CACHE_URL", url)

    with pytest.raises(ImproperlyConfigured, match=r"SOME_CACHE_URL must look like redis://HOST:6379/1"):
        env_cache("SOME_CACHE_URL", "locmemcache://unused")


def test_without_a_cache_url_the_published_answers_stay_in_each_processs_memory() -> None:
    config = env_cache("NO_SUCH_CACHE_URL", "locmemcache://published")

    assert (config["BACKEND"], config["LOCATION"]) == ("django.core.cache.backends.locmem.LocMemCache", "published")


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("YES", True), ("off", False), ("False", False)])
def test_booleans_accept_the_usual_spellings(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env_bool("SOME_FLAG", default=not expected) is expected


def test_unset_variables_take_their_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOME_NUMBER", raising=False)
    monkeypatch.setenv("SOME_LIST", " a.gov.vn , ,b.gov.vn ")

    assert env_int("SOME_NUMBER", 7) == 7
    assert env_list("SOME_LIST") == ["a.gov.vn", "b.gov.vn"]


def test_a_required_variable_that_is_empty_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_NUMBER", "  ")

    with pytest.raises(ImproperlyConfigured, match=r"SOME_NUMBER is required but not set\."):
        env_int("SOME_NUMBER")


def test_the_portal_speaks_vietnamese_first_in_the_national_time_zone() -> None:
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True
