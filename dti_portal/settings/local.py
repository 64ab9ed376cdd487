"""Settings for a developer's machine: `make run` (SQLite, tasks in-process unless a broker is set)."""

from __future__ import annotations

import os

# A fixed key is fine here: local settings never serve real data. Production requires its own.
os.environ.setdefault("SECRET_KEY", "local-development-key-not-for-production-use-0123456789")

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
WHITENOISE_AUTOREFRESH = True
