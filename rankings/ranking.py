"""Ranks within a peer group, as the published tables give them: pure functions over plain data."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

Unit = TypeVar("Unit", bound=Hashable)


def round_value(value: Decimal, places: int = 4) -> Decimal:
    """Round half up to the published precision (0,64189 → 0,6419)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def competition_ranks(values: Mapping[Unit, Decimal | None], places: int = 4) -> dict[Unit, int | None]:
    """Rank by value rounded to `places` decimals, highest first; equal values share a rank and the
    next rank skips ("1, 2, 2, 4"), as Thanh Hóa and Vĩnh Phúc share 12th place in DTI 2021.

    A unit without a value gets no rank.
    """
    rounded = {unit: round_value(value, places) for unit, value in values.items() if value is not None}
    ordered = sorted(rounded.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {unit: first_position[rounded[unit]] if unit in rounded else None for unit in values}
