"""`{% load approval_review %}`: what a submission's pages ask about the person reading them."""

from __future__ import annotations

from django import template

from accounts.models import User

register = template.Library()


@register.filter
def person(user: User | None) -> str:
    """`{{ event.actor|person }}`: a person's full name, else the account name, else "—"."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
