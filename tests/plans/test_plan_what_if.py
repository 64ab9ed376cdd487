"""What-if on the plan: the unit's final answers changed, and the published guidance for a published year."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Organisation, Role, User
from plans.models import ImprovementPlan
from plans.services import generate_plan
from scoring.services import recompute_campaign
from submissions.models import Campaign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(finalised_campaign: Campaign, danang_office: User) -> ImprovementPlan:
    recompute_campaign(campaign_id=finalised_campaign.pk)
    assert danang_office.organisation_id is not None
    return generate_plan(organisation_id=danang_office.organisation_id, by=danang_office)


def test_weekly_broadcasts_on_the_plan_page_raise_the_dti_and_the_rank(
    plan: ImprovementPlan, danang_leader: User
) -> None:
    client = Client()
    client.force_login(danang_leader)
    page = client.get(f"/plans/{plan.pk}/", {"leaf": ["1.2.1", ""], "answer": ["1", ""]}).content.decode()
    # 1.2.1 weekly earns its 20 points instead of 10: (22 + 20 + 23,75) / 100 = 0,6575, ahead of Huế's 0,6282.
    outcome = page[page.index('id="what-if-outcome"') :]
    assert "0,5575" in outcome
    assert "0,6575" in outcome
    assert "2 → 1" in " ".join(outcome.split())


def test_a_bad_answer_is_refused_next_to_its_row(plan: ImprovementPlan, danang_leader: User) -> None:
    client = Client()
    client.force_login(danang_leader)
    page = client.get(f"/plans/{plan.pk}/", {"leaf": ["1.1.2"], "answer": ["nhiều"]}).content.decode()
    assert 'id="plan-wi-error-0"' in page
    assert 'id="what-if-outcome"' not in page


def test_a_plan_of_a_published_year_shows_what_each_main_index_needs_for_a_better_rank(published_2021: None) -> None:
    quang_nam = Organisation.objects.get(short_name="Quảng Nam")
    office = UserFactory.create(organisation=quang_nam, roles=[Role.OFFICE])
    plan = generate_plan(organisation_id=quang_nam.pk, by=office)
    client = Client()
    client.force_login(office)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert 'id="what-if-rank-up"' in page
    assert f'href="/results/units/{quang_nam.code}/what-if/?year=2021"' in page
