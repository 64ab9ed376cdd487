from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from common.formatting import format_number


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("0.64185"), 4, "0,6419"),
        (Decimal("19.068"), 2, "19,07"),
        (Decimal("0.5"), None, "0,5"),
        (Decimal("1000"), None, "1000"),
        (Decimal("2.50"), None, "2,5"),
        (None, 2, "—"),
    ],
)
def test_numbers_are_rounded_half_up_and_written_with_the_decimal_comma(
    value: Decimal | None, places: int | None, expected: str
) -> None:
    with translation.override("vi"):
        assert format_number(value, places) == expected


def test_english_keeps_the_decimal_point() -> None:
    with translation.override("en"):
        assert format_number(Decimal("0.64185"), 4) == "0.6419"


def test_a_history_rows_reported_value_reads_with_the_decimal_comma() -> None:
    from common.templatetags.portal import reported

    assert reported({"value": "63.56", "numerator": None, "denominator": None, "choice": ""}) == "63,56"
    assert reported({"value": None, "numerator": "12", "denominator": "40", "choice": ""}) == "12 / 40"
    assert reported({"value": None, "numerator": None, "denominator": None, "choice": "Hằng tháng"}) == "Hằng tháng"
    assert reported({"value": None, "numerator": None, "denominator": None, "choice": ""}) == "—"
    assert reported({}) == "—"
