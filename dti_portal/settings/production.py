"""Production settings: HTTPS behind a reverse proxy, manifest static files. SECRET_KEY is required.

Production runs on PostgreSQL (DATABASE_URL) with Redis as the Celery broker (CELERY_BROKER_URL).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY
from .env import env_bool, env_int

DEBUG = False
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("local-", "test-")):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters in production.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS: TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Only `make stack` (plain HTTP on the loopback) turns these off; `check --deploy` warns if they are.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
