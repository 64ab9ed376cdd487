"""Values every template needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from . import __version__


def portal(request: HttpRequest) -> dict[str, str]:
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "AUTHORITY_NAME": settings.AUTHORITY_NAME,
        "PORTAL_VERSION": __version__,
    }
