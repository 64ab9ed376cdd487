"""`{% load approval_review %}`: what a submission's pages ask about the person reading them."""

from __future__ import annotations

from django import template

from accounts.models import User
from submissions.models import Submission

register = template.Library()


@register.filter
def is_unit_approver_of(user: User, submission: Submission) -> bool:
    """`{% if user|is_unit_approver_of:submission %}`: the unit's IT lead or leader."""
    return user.is_authenticated and submission.is_unit_approver(user)


@register.filter
def person(user: User | None) -> str:
    """`{{ event.actor|person }}`: a person's full name, else the account name, else "—"."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
