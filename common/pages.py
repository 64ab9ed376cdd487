"""The one place where the portal's refusals become what a person sees on a page.

A view that acts on a form wraps the service call in `refusals_as_messages`: a refusal becomes an
error message shown above the page it redirects to, next to the form it came from. A refusal no
view expected (a GET that may not be served now) is answered by `DomainErrorMiddleware` with the
portal's error page, its message and the kind's status, in every mode including DEBUG.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import DomainError


@contextmanager
def refusals_as_messages(request: HttpRequest) -> Iterator[None]:
    """Show a refusal raised inside the block as an error message instead of failing the request."""
    try:
        yield
    except DomainError as error:
        messages.error(request, error.message)


class DomainErrorMiddleware:
    """Answers a refusal that reached no view's handler with the error page and the refusal's status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        return render(
            request, "refused.html", {"message": exception.message, "status": exception.status}, status=exception.status
        )
