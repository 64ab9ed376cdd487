"""Request handling the whole portal shares."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
