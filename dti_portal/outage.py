"""A database that does not answer (PostgreSQL restarting, the network to it down) is an outage, not a bug.

Every request that meets one answers 503 with Retry-After, so browsers, units' systems and the load
balancer retry instead of reporting a server error, and the log says so once per outage (one line a
minute at most, with how many requests were refused since the previous line) rather than once per request.
Three places hand such errors here: `database_outage` for views, the API's exception handler for DRF
views, and the 500 handler for middleware (a session or user read before any view runs).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TypeVar

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.log import log_response
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
_Response = TypeVar("_Response", bound=HttpResponse)

RETRY_AFTER_SECONDS = 30
LOG_EVERY_SECONDS = 60

_lock = threading.Lock()
_last_logged: float | None = None  # time.monotonic() of the last outage line; None before any outage
_refused_since = 0


def is_database_outage(error: BaseException | None) -> bool:
    """Whether the error means the database cannot be reached or used for now (so retrying helps)."""
    return isinstance(error, OperationalError | InterfaceError)


def message() -> str:
    return _("Hệ thống tạm thời không truy cập được dữ liệu; vui lòng thử lại sau ít phút.")


def note_outage(error: BaseException) -> None:
    """Log the outage unless it was logged less than a minute ago; count the request either way."""
    global _last_logged, _refused_since
    with _lock:
        _refused_since += 1
        now = time.monotonic()
        if _last_logged is not None and now - _last_logged < LOG_EVERY_SECONDS:
            return
        refused, _last_logged, _refused_since = _refused_since, now, 0
    logger.error(
        "Database unavailable (%s: %s): answering 503 with Retry-After %ss; %d request(s) refused since the last line.",
        type(error).__name__, str(error).strip(), RETRY_AFTER_SECONDS, refused,
    )  # fmt: skip


def quietly(response: _Response, request: HttpRequest) -> _Response:
    """Keep Django from logging each refused request as an error: the outage has its own line."""
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request, level="debug")
    return response


def outage_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, the portal's page elsewhere (rendered without the
    request, whose context processors would query the database again)."""
    note_outage(error)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message()}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    return quietly(response, request)
