"""A small open campaign (year 2024, provinces) on the small test framework, and Đà Nẵng's people."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Organisation, Role, User
from indicators.services import import_framework
from submissions.models import Campaign, Submission
from submissions.services import open_campaign
from tests.factories import UserFactory
from tests.indicators.builders import small_framework


@pytest.fixture
def campaign(organisations: dict[str, Organisation], administrator: User) -> Campaign:
    framework = import_framework(data=small_framework("thu-nghiem"))
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="DTI 2024 cấp tỉnh (thử nghiệm)",
        year=2024,
        level="province",
        framework=framework,
        groups=["province"],
        entry_opens=today - datetime.timedelta(days=10),
        entry_closes=today + datetime.timedelta(days=10),
        appraisal_closes=today + datetime.timedelta(days=20),
        explanation_closes=today + datetime.timedelta(days=30),
        final_appraisal_closes=today + datetime.timedelta(days=40),
        publication_date=today + datetime.timedelta(days=50),
        created_by=administrator,
    )
    open_campaign(campaign=campaign, by=administrator)
    return campaign


@pytest.fixture
def danang_submission(campaign: Campaign) -> Submission:
    return Submission.objects.get(campaign=campaign, organisation__code="48")


@pytest.fixture
def hue_submission(campaign: Campaign) -> Submission:
    return Submission.objects.get(campaign=campaign, organisation__code="46")


@pytest.fixture
def danang_it_lead(organisations: dict[str, Organisation]) -> User:
    return UserFactory(username="danang.cntt", organisation=organisations["48"], roles=[Role.IT_LEAD])


@pytest.fixture
def danang_leader(organisations: dict[str, Organisation]) -> User:
    return UserFactory(username="danang.lanhdao", organisation=organisations["48"], roles=[Role.LEADER])


@pytest.fixture
def danang_office(organisations: dict[str, Organisation]) -> User:
    return UserFactory(username="danang.vanphong", organisation=organisations["48"], roles=[Role.OFFICE])
