"""WSGI entry point: `gunicorn dti_portal.wsgi`."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dti_portal.settings.production")

application = get_wsgi_application()
