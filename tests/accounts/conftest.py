"""The people of a unit who keep or read its list of departments, and a few departments of Đà Nẵng."""

from __future__ import annotations

import pytest

from accounts.models import Department, Organisation, Role, User
from tests.factories import UserFactory


@pytest.fixture
def danang_office(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="danang.vanphong", organisation=organisations["48"], roles=[Role.OFFICE])


@pytest.fixture
def danang_leader(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="danang.lanhdao", organisation=organisations["48"], roles=[Role.LEADER])


@pytest.fixture
def danang_it_lead(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="danang.cntt", organisation=organisations["48"], roles=[Role.IT_LEAD])


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
