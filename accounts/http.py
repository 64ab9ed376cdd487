"""Requests as the portal's views see them once a person has logged in."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from common.http import HtmxRequest

from .models import User


class AuthenticatedRequest(HtmxRequest):
    """A page request behind `login_required`: its user is a portal account, never anonymous."""

    user: User


def user_of(request: HttpRequest) -> User:
    """The account behind a request Django's admin or `login_required` has already let through."""
    user = request.user
    assert isinstance(user, User), "only logged-in portal accounts reach this view"
    return user


def api_user(request: Request) -> User:
    """The account behind an API request that passed `IsAuthenticated`."""
    user = request.user
    assert isinstance(user, User), "IsAuthenticated lets only portal accounts through"
    return user
