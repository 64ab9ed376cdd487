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
from tests.indicators.builders import small_framework


def open_test_campaign(framework: Framework, administrator: User, name: str) -> Campaign:
    """An open 2024 provincial campaign on `framework`, in its entry phase today, with its submissions."""
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name=name,
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
def campaign(organisations: dict[str, Organisation], administrator: User) -> Campaign:
    return open_test_campaign(import_framework(data=small_framework("thu-nghiem")), administrator,
                              "DTI 2024 cấp tỉnh (thử nghiệm)")  # fmt: skip


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
