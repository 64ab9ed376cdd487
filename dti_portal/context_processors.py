"""Values every template needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from . import __version__


def portal(request: HttpRequest) -> dict[str, object]:
    return {
        # The language switch names each language in itself, never translated: a visitor who cannot
        # read the current language still finds theirs ("English", not "Tiếng Anh").
        "LANGUAGES_BY_OWN_NAME": settings.LANGUAGES,
        "PORTAL_NAME": settings.PORTAL_NAME,
        "AUTHORITY_NAME": settings.AUTHORITY_NAME,
        "PORTAL_VERSION": __version__,
    }
