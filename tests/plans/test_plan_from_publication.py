"""A plan from a year the portal only imported: Quảng Nam from the published DTI 2021 tables (seed 003's
2021 row is the same)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Organisation, Role
from plans.models import PlanSource
from plans.services import generate_plan
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_quang_nam_plans_from_the_published_2021_tables_with_the_ranks_seed_003_restates(
    published_2021: None,
) -> None:
    quang_nam = Organisation.objects.get(short_name="Quảng Nam")
    office = UserFactory.create(organisation=quang_nam, roles=[Role.OFFICE])
    plan = generate_plan(organisation_id=quang_nam.pk, by=office)
    assert (plan.source, plan.year) == (PlanSource.PUBLISHED, 2022)
    # Seed 003 restates Quảng Nam's 2021 figures: DTI 25th; Chính quyền số 0,4689 (27th), Kinh tế số 0,4581
    # (19th), Xã hội số 0,4594 (19th); the eight main indices 10, 1, 45, 52, 32, 35, 31, 22.
    rows = [(row["label"], row["value"] and Decimal(row["value"]), row["rank"]) for row in plan.summary]
    assert rows[:4] == [
        ("DTI", Decimal("0.4329"), 25),
        ("Chính quyền số", Decimal("0.4689"), 27),
        ("Kinh tế số", Decimal("0.4581"), 19),
        ("Xã hội số", Decimal("0.4594"), 19),
    ]
    assert [rank for _label, _value, rank in rows[4:]] == [10, 1, 45, 52, 32, 35, 31, 22]
    # Without the components of a year the portal only imported, the list is of main indices, by the points
    # lost: (1 − value) × max points, e.g. 7. Hoạt động chính quyền số (1 − 0,4024) × 200 = 119,52.
    assert [(item.code, item.points_lost) for item in plan.items.order_by("order")] == [
        ("7", Decimal("119.52")),
        ("9", Decimal("99.12")),
        ("8", Decimal("96.24")),
        ("4", Decimal("89.71")),
        ("5", Decimal("67.96")),
        ("3", Decimal("59.52")),
        ("2", Decimal("20")),
        ("1", Decimal("15")),
    ]
