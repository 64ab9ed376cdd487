"""Typed readers for the environment.

Every setting that comes from the environment is read here, once, at import time. A missing
required variable or a malformed value stops start-up with `ImproperlyConfigured` naming the
variable and the expected form, so a misconfigured server never starts half-working.
"""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import SplitResult, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured


class _Missing(enum.Enum):
    """The type of `_MISSING`, the default of a required variable."""

    MISSING = enum.auto()


_MISSING: Final = _Missing.MISSING
_T = TypeVar("_T")


def _raw(name: str) -> str | None:
    """Return the variable stripped; None when unset or empty."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _default(name: str, default: _T | _Missing) -> _T:
    """Return the default of an unset variable; a required one stops start-up."""
    if isinstance(default, _Missing):
        raise ImproperlyConfigured(f"{name} is required but not set.")
    return default


def env_str(name: str, default: str | _Missing = _MISSING) -> str:
    """Return the variable as a string; `default` when unset or empty."""
    value = _raw(name)
    return value if value is not None else str(_default(name, default))


def env_bool(name: str, default: bool | _Missing = _MISSING) -> bool:
    """Return the variable as a boolean: 1/0, true/false, yes/no, on/off (any case)."""
    value = _raw(name)
    if value is None:
        return bool(_default(name, default))
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_int(name: str, default: int | _Missing = _MISSING, *, minimum: int | None = None) -> int:
    """Return the variable as an integer, at least `minimum` when given."""
    value = _raw(name)
    if value is None:
        return int(_default(name, default))
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    return number


def env_list(name: str, default: list[str] | _Missing = _MISSING) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    value = _raw(name)
    if value is None:
        return list(_default(name, default))
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path | _Missing = _MISSING) -> Path:
    """Return the variable as an absolute path."""
    value = _raw(name)
    path = Path(value) if value is not None else Path(str(_default(name, default)))
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name} must be an absolute path; got {str(path)!r}.")
    return path


_DATABASE_FORM = "postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:////absolute/path/db.sqlite3"
_DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def env_database(name: str, default: str) -> dict[str, Any]:
    """Return a Django DATABASES entry parsed from a database URL.

    SQLite gets `transaction_mode="IMMEDIATE"` (a writer takes the lock when its transaction
    begins, so concurrent writers queue instead of failing with "database is locked"), WAL
    journaling and a busy timeout. PostgreSQL connections are kept open between requests.
    """
    url = env_str(name, default)
    scheme = urlsplit(url).scheme
    if scheme not in _DATABASE_SCHEMES:
        raise ImproperlyConfigured(f"{name} must look like {_DATABASE_FORM}; got {url!r}.")
    config: dict[str, Any] = environ.Env.db_url_config(url)
    if scheme == "sqlite":
        if not config["NAME"] or config["NAME"] == ":memory:":
            raise ImproperlyConfigured(f"{name} must name a SQLite file: {_DATABASE_FORM}; got {url!r}.")
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name} must name a database: {_DATABASE_FORM}; got {url!r}.")
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
        config["CONN_HEALTH_CHECKS"] = True
    return config


_BROKER_SCHEMES = {"redis", "rediss", "amqp", "amqps"}


def env_broker(name: str) -> str:
    """Return the Celery broker URL, or "" when unset (tasks then run in-process)."""
    url = env_str(name, "")
    if url and urlsplit(url).scheme not in _BROKER_SCHEMES:
        raise ImproperlyConfigured(f"{name} must look like redis://HOST:6379/0 or be unset; got {url!r}.")
    return url


_CACHE_FORM = "redis://HOST:6379/1 (rediss:// for TLS), or locmemcache://NAME"
# How long the portal waits for Redis before it renders an answer itself: a slow or unreachable cache
# must cost a reader a fraction of a second, never the page.
_CACHE_SOCKET_SECONDS = 0.25
# Local-memory entries per process: the pages and answers of a few published years in every variant
# readers ask for (tens of KB each).
_LOCAL_CACHE_ENTRIES = 2000


def _port_is_a_number(parts: SplitResult) -> bool:
    try:
        return parts.port is None or parts.port > 0
    except ValueError:  # urllib's answer to a port that is not a number
        return False


def env_cache(name: str, default: str) -> dict[str, Any]:
    """Return a Django CACHES entry parsed from a cache URL: Redis, or a local-memory cache of one process."""
    url = env_str(name, default)
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss"):
        database = parts.path.strip("/")
        if not parts.hostname or not _port_is_a_number(parts) or not (database == "" or database.isdigit()):
            raise ImproperlyConfigured(f"{name} must look like {_CACHE_FORM}; got {url!r}.")
        config: dict[str, Any] = environ.Env.cache_url_config(url)
        config["OPTIONS"] = {
            "socket_connect_timeout": _CACHE_SOCKET_SECONDS,
            "socket_timeout": _CACHE_SOCKET_SECONDS,
        }
        return config
    if parts.scheme == "locmemcache" and parts.netloc:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": parts.netloc,
            "OPTIONS": {"MAX_ENTRIES": _LOCAL_CACHE_ENTRIES},
        }
    raise ImproperlyConfigured(f"{name} must look like {_CACHE_FORM}; got {url!r}.")


_RATE_PERIODS = {"second", "minute", "hour", "day"}


def env_rate(name: str, default: str) -> str:
    """Return a request rate as DRF's throttles read it: "60/minute" (per second, minute, hour or day)."""
    value = env_str(name, default)
    count, _, period = value.partition("/")
    if not count.isdigit() or int(count) < 1 or period not in _RATE_PERIODS:
        raise ImproperlyConfigured(f"{name} must look like 60/minute (per second, minute, hour or day); got {value!r}.")
    return value
