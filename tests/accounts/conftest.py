"""The people of a unit who keep or read its list of departments, and a few departments of Đà Nẵng."""

from __future__ import annotations

import pytest

from accounts.models import Department, Organisation, Role, User
from tests.factories import UserFactory
from tests.submissions.conftest import danang_it_lead, danang_leader, danang_office  # noqa: F401


@pytest.fixture
def hue_office(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="hue.vanphong", organisation=organisations["46"], roles=[Role.OFFICE])


@pytest.fixture
def danang_departments(organisations: dict[str, Organisation]) -> dict[str, Department]:
    """Two departments of Đà Nẵng, by name."""
    unit = organisations["48"]
    return {
        department.name: department
        for department in [
            Department.objects.create(organisation=unit, name="Sở Nội vụ", short_name="SNV", contact="0236 3821 111"),
            Department.objects.create(organisation=unit, name="Sở Tài chính", short_name="STC"),
        ]
    }
