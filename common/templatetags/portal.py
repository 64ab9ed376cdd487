"""Template filters shared by every page: `{% load portal %}`."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.contrib.auth.base_user import AbstractBaseUser

from common.formatting import format_number

register = template.Library()


@register.filter
def number(value: Decimal | int | float | None, places: int | None = None) -> str:
    """`{{ value|number }}` as many decimals as needed; `{{ value|number:4 }}` exactly four."""
    return format_number(value, None if places in (None, "") else int(places))


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    """`{{ labels|get_item:action }}`: a dictionary value by a variable key."""
    return mapping.get(key, key)


@register.filter
def person(user: AbstractBaseUser | None) -> str:
    """`{{ event.actor|person }}`: a person's full name, else the account name, else "—"."""
    if user is None:
        return "—"
    return getattr(user, "get_full_name", lambda: "")() or user.get_username()


@register.filter
def reported(values: dict[str, object] | None) -> str:
    """`{{ event.new|reported }}`: a history row's reported value as a person reads it ("12 / 40",
    "Hằng tháng", "63,56" or "—"); history rows store numbers as plain decimal strings."""
    if not values:
        return "—"

    def shown(name: str) -> str:
        text = values.get(name)
        if text in (None, ""):
            return ""
        try:
            return format_number(Decimal(str(text)))
        except ArithmeticError:
            return str(text)

    if shown("numerator"):
        return f"{shown('numerator')} / {shown('denominator')}"
    return str(values.get("choice") or "") or shown("value") or "—"
