"""After logging in, each person lands on the work that waits for them; a `next` they came with still wins."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from accounts.models import Organisation, Role, User
from submissions.models import Campaign, Submission, SubmissionState
from submissions.services.campaigns import open_campaign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-thu-2026"


def lands_on(user: User, next_url: str = "") -> str:
    """Log in through the real form and follow the redirects; return where the person ends up."""
    data = {"username": user.username, "password": PASSWORD, **({"next": next_url} if next_url else {})}
    response = Client().post("/accounts/login/", data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain, "the login form did not redirect"
    return str(response.redirect_chain[-1][0])


def second_campaign(first: Campaign, administrator: User, *, year: int = 2024) -> Campaign:
    """Another open campaign of the same units (a trial run, or an earlier year still open)."""
    campaign = Campaign.objects.create(
        name=f"DTI {year} cấp tỉnh (chạy thử)",
        year=year,
        level="province",
        framework=first.framework,
        is_trial=True,
        groups=["province"],
        entry_opens=first.entry_opens,
        entry_closes=first.entry_closes,
        appraisal_closes=first.appraisal_closes,
        explanation_closes=first.explanation_closes,
        final_appraisal_closes=first.final_appraisal_closes,
        publication_date=first.publication_date,
        created_by=administrator,
    )
    open_campaign(campaign=campaign, by=administrator)
    return campaign


def set_state(submission: Submission, state: SubmissionState) -> None:
    Submission.objects.filter(pk=submission.pk).update(state=state)


def test_a_reporter_lands_on_the_units_submission_of_the_open_campaign(
    danang_submission: Submission, danang_reporter: User
) -> None:
    assert lands_on(danang_reporter) == f"/submissions/{danang_submission.pk}/"


def test_a_reporter_with_two_open_campaigns_lands_on_the_list(
    campaign: Campaign, administrator: User, danang_reporter: User
) -> None:
    second_campaign(campaign, administrator)

    assert lands_on(danang_reporter) == "/submissions/"


def test_a_reporter_without_an_open_campaign_lands_on_the_list(danang_reporter: User) -> None:
    assert lands_on(danang_reporter) == "/submissions/"


def test_an_it_lead_with_one_submission_waiting_lands_on_its_approval_summary(
    danang_submission: Submission, danang_it_lead: User
) -> None:
    set_state(danang_submission, SubmissionState.AWAITING_IT_LEAD)

    assert lands_on(danang_it_lead) == f"/submissions/{danang_submission.pk}/approval/"


def test_a_leader_with_two_submissions_waiting_lands_on_the_list_of_what_waits(
    campaign: Campaign, administrator: User, danang_submission: Submission, danang_leader: User
) -> None:
    trial = second_campaign(campaign, administrator)
    set_state(danang_submission, SubmissionState.AWAITING_LEADER)
    set_state(Submission.objects.get(campaign=trial, organisation__code="48"), SubmissionState.AWAITING_LEADER)

    assert lands_on(danang_leader) == "/submissions/?awaiting=1"


def test_an_it_lead_with_nothing_waiting_lands_on_the_list_of_what_waits(
    danang_submission: Submission, danang_it_lead: User
) -> None:
    assert lands_on(danang_it_lead) == "/submissions/?awaiting=1"


def test_the_list_of_what_waits_shows_only_those_submissions(
    campaign: Campaign, administrator: User, danang_submission: Submission, danang_leader: User
) -> None:
    second_campaign(campaign, administrator)
    set_state(danang_submission, SubmissionState.AWAITING_LEADER)
    client = Client()
    client.force_login(danang_leader)

    everything = client.get("/submissions/")
    waiting = client.get("/submissions/?awaiting=1")

    assert len(everything.context["submissions"]) == 2
    assert [submission.pk for submission in waiting.context["submissions"]] == [danang_submission.pk]
    assert "Các hồ sơ đang chờ bạn xử lý." in waiting.content.decode()


def test_an_appraiser_lands_on_the_appraisal_queue(campaign: Campaign, appraiser: User) -> None:
    assert lands_on(appraiser) == "/submissions/appraisal/"


def test_the_administrator_lands_on_the_dashboard_of_the_newest_open_campaign(
    campaign: Campaign, administrator: User
) -> None:
    newer = second_campaign(campaign, administrator, year=2025)

    assert lands_on(administrator) == f"/submissions/campaigns/{newer.pk}/dashboard/"


def test_the_administrator_lands_on_the_list_when_no_campaign_is_open(administrator: User) -> None:
    assert lands_on(administrator) == "/submissions/"


def test_the_provincial_office_lands_on_the_list(danang_submission: Submission, danang_office: User) -> None:
    assert lands_on(danang_office) == "/submissions/"


def test_an_account_without_an_organisation_lands_on_the_home_page(db: None) -> None:
    assert lands_on(UserFactory.create(username="khach")) == "/"


def test_an_administrator_who_also_appraises_lands_on_the_dashboard(
    campaign: Campaign, organisations: dict[str, Organisation]
) -> None:
    both = UserFactory.create(
        username="quantri.thamdinh", organisation=organisations["authority"], roles=[Role.APPRAISER, Role.ADMIN]
    )

    assert lands_on(both) == f"/submissions/campaigns/{campaign.pk}/dashboard/"


def test_a_leader_who_also_reports_lands_on_what_waits_for_the_leader_first(
    campaign: Campaign, administrator: User, danang_submission: Submission, organisations: dict[str, Organisation]
) -> None:
    """As a reporter with two open campaigns this person would land on the whole list."""
    second_campaign(campaign, administrator)
    set_state(danang_submission, SubmissionState.AWAITING_LEADER)
    both = UserFactory.create(username="danang.kiemnhiem", organisation=organisations["48"],
                              roles=[Role.REPORTER, Role.LEADER])  # fmt: skip

    assert lands_on(both) == "/submissions/?awaiting=1"


def test_a_next_given_to_the_login_form_still_wins(danang_submission: Submission, danang_reporter: User) -> None:
    assert lands_on(danang_reporter, next_url="/frameworks/") == "/frameworks/"


def test_a_next_to_another_site_is_ignored(danang_submission: Submission, danang_reporter: User) -> None:
    assert lands_on(danang_reporter, next_url="https://example.com/") == f"/submissions/{danang_submission.pk}/"


def test_the_start_page_sends_visitors_to_log_in(db: None) -> None:
    response = Client().get("/start/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/start/"


def test_open_campaigns_run_newest_year_first_then_last_opened(campaign: Campaign, administrator: User) -> None:
    newer = second_campaign(campaign, administrator, year=2025)
    trial = second_campaign(campaign, administrator)
    campaign.refresh_from_db()
    assert campaign.opened_at is not None
    Campaign.objects.filter(pk=trial.pk).update(opened_at=campaign.opened_at + datetime.timedelta(hours=1))

    assert list(Campaign.objects.running()) == [newer, trial, campaign]
