"""Ranks as the published tables give them."""

from __future__ import annotations

from decimal import Decimal

from rankings.ranking import competition_ranks, round_value


def test_equal_values_share_a_rank_and_the_next_rank_skips() -> None:
    values = {"A": Decimal("0.9"), "B": Decimal("0.8"), "C": Decimal("0.8"), "D": Decimal("0.7")}

    assert competition_ranks(values) == {"A": 1, "B": 2, "C": 2, "D": 4}


def test_values_tie_when_they_round_to_the_same_published_figure() -> None:
    values = {"Thanh Hóa": Decimal("0.48804"), "Vĩnh Phúc": Decimal("0.48796"), "Hải Dương": Decimal("0.4843")}

    assert competition_ranks(values) == {"Thanh Hóa": 1, "Vĩnh Phúc": 1, "Hải Dương": 3}


def test_a_unit_without_a_value_has_no_rank() -> None:
    assert competition_ranks({"A": None, "B": Decimal("0.1")}) == {"A": None, "B": 1}


def test_rounding_is_half_up() -> None:
    assert round_value(Decimal("0.64185")) == Decimal("0.6419")
    assert round_value(Decimal("0.64184999")) == Decimal("0.6418")
