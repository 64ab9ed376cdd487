"""A finalised small campaign (Đà Nẵng appraised in full), Đà Nẵng's office and leader, and its departments."""

from __future__ import annotations

import pytest

from accounts.models import Department, Organisation, Role, User
from tests.factories import UserFactory
from tests.rankings.conftest import published_2021  # noqa: F401
from tests.rankings.test_publication import finalise, finalised_campaign  # noqa: F401
from tests.submissions.conftest import (  # noqa: F401
    campaign,
    danang_it_lead,
    danang_leader,
    danang_office,
    danang_submission,
    hue_submission,
    submitted_danang,
)


@pytest.fixture
def departments(organisations: dict[str, Organisation]) -> dict[str, Department]:
    """Three of Đà Nẵng's departments, by short name."""
    made = [
        Department.objects.create(organisation=organisations["48"], name=name, short_name=short, contact=contact)
        for name, short, contact in [
            ("Sở Thông tin và Truyền thông", "STTTT", "stttt@danang.gov.vn"),
            ("Sở Nội vụ", "SNV", "snv@danang.gov.vn"),
            ("Đài Phát thanh - Truyền hình Đà Nẵng", "DRT", ""),
        ]
    ]
    return {department.short_name: department for department in made}


@pytest.fixture
def hue_leader(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="hue.lanhdao", organisation=organisations["46"], roles=[Role.LEADER])
