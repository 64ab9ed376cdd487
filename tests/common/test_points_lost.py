"""Points lost: one definition for the unit's page, the API and the points-lost report."""

from __future__ import annotations

from decimal import Decimal

from common.rules import points_lost


def test_points_lost_are_the_self_assessed_score_minus_the_later_one() -> None:
    assert points_lost(Decimal("19.068"), Decimal(12)) == Decimal("7.068")


def test_an_appraisal_that_raises_a_score_loses_negative_points() -> None:
    assert points_lost(Decimal(2), Decimal(3)) == Decimal(-1)


def test_a_missing_score_counts_as_zero() -> None:
    assert (points_lost(None, Decimal(3)), points_lost(Decimal(3), None)) == (Decimal(-3), Decimal(3))
