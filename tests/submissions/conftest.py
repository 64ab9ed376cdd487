"""A small open campaign (year 2024, provinces) on the small test framework, and Đà Nẵng's people."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Organisation, Role, User
from indicators.models import Framework
from indicators.services import import_framework
from submissions.models import Answer, Campaign, Submission
from submissions.services.approval import transition_submission
from submissions.services.campaigns import open_campaign
from submissions.services.entry import AnswerInput, save_answer
from tests.factories import UserFactory
from tests.indicators.builders import shipped_framework, small_framework


def open_test_campaign(
    framework: Framework, administrator: User, name: str, *, year: int = 2024, is_trial: bool = False
) -> Campaign:
    """An open provincial campaign (2024 unless told) on `framework`, in its entry phase today, with its
    submissions; a trial where the framework has not passed its integrity check."""
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name=name,
        year=year,
        is_trial=is_trial,
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
def campaign(organisations: dict[str, Organisation], administrator: User) -> Campaign:
    return open_test_campaign(import_framework(data=small_framework("thu-nghiem")), administrator,
                              "DTI 2024 cấp tỉnh (thử nghiệm)")  # fmt: skip


@pytest.fixture
def year_2022_campaign(organisations: dict[str, Organisation], administrator: User) -> Campaign:
    """An open 2023 provincial campaign on the shipped 2022 framework (39 self-reported leaves)."""
    framework = import_framework(data=shipped_framework("dti-2022-province"))
    # The shipped framework lacks rows its source does not print: it opens as a trial only.
    return open_test_campaign(framework, administrator, "DTI 2023 cấp tỉnh", year=2023, is_trial=True)


@pytest.fixture
def danang_2022(year_2022_campaign: Campaign) -> Submission:
    """Đà Nẵng's submission on the shipped 2022 framework, in draft."""
    return Submission.objects.get(campaign=year_2022_campaign, organisation__code="48")


@pytest.fixture
def danang_submission(campaign: Campaign) -> Submission:
    return Submission.objects.get(campaign=campaign, organisation__code="48")


@pytest.fixture
def hue_submission(campaign: Campaign) -> Submission:
    return Submission.objects.get(campaign=campaign, organisation__code="46")


@pytest.fixture
def danang_it_lead(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="danang.cntt", organisation=organisations["48"], roles=[Role.IT_LEAD])


@pytest.fixture
def danang_leader(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="danang.lanhdao", organisation=organisations["48"], roles=[Role.LEADER])


@pytest.fixture
def danang_office(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="danang.vanphong", organisation=organisations["48"], roles=[Role.OFFICE])


@pytest.fixture
def second_appraiser(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="thamdinh.hai", organisation=organisations["authority"], roles=[Role.APPRAISER])


def answer_of(submission: Submission, key: str) -> Answer:
    return submission.answers.select_related("node").get(node__key=key)


def fill_in(submission: Submission, reporter: User) -> None:
    """Answer every self-reported leaf and explain the ones without evidence."""
    for key, given in [
        ("1.1.1", AnswerInput(value=Decimal(1), explanation="Chuyên mục trên cổng thông tin.")),
        ("1.1.2", AnswerInput(value=Decimal("63.56"), explanation="Theo báo cáo của Sở Nội vụ.")),
        ("1.2.1", AnswerInput(choice="Hằng tháng", explanation="Lịch phát sóng của Đài.")),
        ("2.1.1", AnswerInput(value=Decimal(5), explanation="Theo hệ thống giám sát.")),
    ]:
        answer = answer_of(submission, key)
        save_answer(answer_id=answer.pk, user=reporter, given=given, expected_version=answer.version)


@pytest.fixture
def submitted_danang(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User, danang_leader: User
) -> Submission:
    """Đà Nẵng's submission filled in and approved up to the authority."""
    fill_in(danang_submission, danang_reporter)
    for user, action in [(danang_reporter, "submit"), (danang_it_lead, "approve"), (danang_leader, "approve")]:
        transition_submission(submission_id=danang_submission.pk, user=user, action=action)
    danang_submission.refresh_from_db()
    return danang_submission
