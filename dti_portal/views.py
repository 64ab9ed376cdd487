"""Pages and endpoints that belong to the portal as a whole."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import __version__
from .health import broker_status, database_answers


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report the database, the broker and the version; 200 whenever the database answers."""
    database_ok = database_answers()
    body = {
        "database": "ok" if database_ok else "down",
        "broker": broker_status(),
        "version": __version__,
    }
    return JsonResponse(body, status=200 if database_ok else 503)
