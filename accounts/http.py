"""Requests as the portal's views see them once a person has logged in."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from .models import User


class AuthenticatedRequest(HttpRequest):
    """A page request behind `login_required`: its user is a portal account, never anonymous."""

    user: User
    htmx: HtmxDetails


def api_user(request: Request) -> User:
    """The account behind an API request that passed `IsAuthenticated`."""
    user = request.user
    assert isinstance(user, User), "IsAuthenticated lets only portal accounts through"
    return user
