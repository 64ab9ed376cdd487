"""Settings for the test suite: the database from DATABASE_URL (PostgreSQL in CI), fast hashing."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-key-not-for-production-use-0123456789abcdefghijklmnop")

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, INSTALLED_APPS, REST_FRAMEWORK

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process in tests; the Celery integration test switches a real worker on itself.
CELERY_TASK_ALWAYS_EAGER = True
# ...and a recompute runs synchronously when the transaction commits; the tests of the background
# worker switch it on themselves.
RECOMPUTE_IN_PROCESS = False
RECOMPUTE_COALESCE_SECONDS = 0
# A webhook delivery runs synchronously when the transaction commits, as a Celery task in eager mode.
WEBHOOK_DELIVERIES_IN_PROCESS = False
# Evidence is read only where a test reads it (tests/submissions/test_evidence_documents.py switches it
# on, synchronously after commit); elsewhere a document stays `pending`.
EVIDENCE_READING = False
EVIDENCE_READ_IN_PROCESS = False
MEDIA_ROOT = BASE_DIR / "var" / "test-evidence"
# Login throttling is exercised by its own tests, which switch it on.
AXES_ENABLED = False
# The suite and the schema fuzzing send thousands of API requests from one address; the throttling
# tests set low rates themselves.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The published answers in this process's memory, whatever CACHE_URL says; the suite empties it before
# each test (tests/conftest.py).
CACHES = {
    **CACHES,
    "published": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "published",
        "KEY_PREFIX": CACHES["published"]["KEY_PREFIX"],
    },
}
# Serve static files from the source folders, as `make run` does, without collectstatic.
WHITENOISE_USE_FINDERS = True
# The suite tests the load, fault and benchmark tooling too.
if "ops" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "ops"]
# On SQLite the test database is a file, not Django's shared in-memory one: the browser tests' live
# server then gives each request thread its own connection, as a real server does, instead of one
# connection shared by every thread (whose concurrent requests lock each other's tables).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-dti-portal.sqlite3")}
