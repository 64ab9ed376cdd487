"""The one place where the portal's refusals become what a person sees on a page.

A view that acts on a form wraps the service call in `refusals_as_messages`: a refusal becomes an
error message shown above the page it redirects to, next to the form it came from; a form that is
not valid says why the same way, through `form_errors_as_messages`. A refusal no
view expected (a GET that may not be served now) is answered by `DomainErrorMiddleware` with the
portal's error page, its message and the kind's status, in every mode including DEBUG.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import DomainError, InvalidInput


@contextmanager
def refusals_as_messages(request: HttpRequest) -> Iterator[None]:
    """Show a refusal raised inside the block as an error message instead of failing the request."""
    try:
        yield
    except DomainError as error:
        messages.error(request, error.message)


def refusal_of(form: forms.BaseForm) -> InvalidInput:
    """A form that is not valid, as the refusal a service would raise: each field with its messages."""
    return InvalidInput({
        field: " ".join(message for error in errors for message in error.messages)
        for field, errors in form.errors.as_data().items()
    })  # fmt: skip


def form_errors_as_messages(request: HttpRequest, form: forms.BaseForm) -> None:
    """Show why a form is not valid as error messages, one per field, in the order of its fields."""
    for message in refusal_of(form).errors.values():
        messages.error(request, message)


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
