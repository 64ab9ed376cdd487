"""Numbers as users read them: "0,6419" in Vietnamese, "0.6419" in English."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext as _


def format_number(value: Decimal | int | float | None, places: int | None = None) -> str:
    """Format in the active language; `places` rounds to that many decimals, else as many as needed."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    if places is not None:
        # Django's number_format cuts extra decimals off; published figures are rounded half up.
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    else:
        text = format(number.normalize(), "f")
        places = len(text.partition(".")[2])
        number = Decimal(text)
    return number_format(number, decimal_pos=places, use_l10n=True)


def parse_number(text: str) -> Decimal | None:
    """Read a number as people type it: "63,56", "63.56", "1.234,5", "1 234,5"; "" is None.

    A comma is the decimal separator, a point too when no comma is present; with both, points
    group thousands as in Vietnamese writing.
    """
    text = text.strip().replace(" ", "").replace(" ", "").rstrip("%")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(_("Nhập một số, ví dụ 63,56.")) from None
    if not number.is_finite():
        raise forms.ValidationError(_("Nhập một số, ví dụ 63,56."))
    return number
