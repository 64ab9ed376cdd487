"""Request handling the whole portal shares."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse

from .outage import is_database_outage, outage_response


def refuse_nul_characters(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Answer 400 to a path or query string holding a NUL character, before any view reads it.

    No address of the portal contains one, and PostgreSQL refuses NUL in any text it is sent, so a
    code or a search term with one would otherwise fail the request as a server error. The refusal
    goes through the portal's 400 handler (JSON under /api/).
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "").lower():
            raise SuspiciousOperation("NUL character in the request's address")
        return get_response(request)

    return middleware


def vietnamese_first(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Serve Vietnamese unless the visitor chose English with the language switch.

    A browser's Accept-Language is not a choice: a Vietnamese official on an English-language
    browser must still see the portal in Vietnamese. Only the language cookie set by the switch
    changes it. Installed just before LocaleMiddleware.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware


def idle_timeout(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """End a session left idle longer than SESSION_IDLE_SECONDS (the absolute limit is SESSION_COOKIE_AGE).

    The last activity is written at most once a minute, so reading pages does not write the
    session on every request. Installed after AuthenticationMiddleware.
    """
    from django.conf import settings
    from django.contrib.auth import logout

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen")
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
            elif not isinstance(last_seen, int) or now - last_seen >= 60:
                request.session["last_seen"] = now
        return get_response(request)

    return middleware


class DatabaseOutageMiddleware:
    """A view that meets a database outage answers 503 with Retry-After (see `dti_portal.outage`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return outage_response(request, exception) if is_database_outage(exception) else None
