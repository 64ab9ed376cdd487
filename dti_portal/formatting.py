"""Numbers as users read them: "0,6419" in Vietnamese, "0.6419" in English."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


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
