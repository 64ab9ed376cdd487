"""Requests as the portal's middleware leaves them for its views."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """Any request once django-htmx's middleware has run: `htmx` says whether HTMX sent it."""

    htmx: HtmxDetails
