"""Settings for a developer's machine: `make run` (SQLite, tasks in-process unless a broker is set)."""

from __future__ import annotations

import os

# A fixed key is fine here: local settings never serve real data. Production requires its own.
os.environ.setdefault("SECRET_KEY", "local-development-key-not-for-production-use-0123456789")

from .base import *  # noqa: F403
from .base import INSTALLED_APPS
from .env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
WHITENOISE_AUTOREFRESH = True
# The load, fault and benchmark tooling is always at hand on a developer's machine (and in CI's bench_scoring).
if "ops" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "ops"]
