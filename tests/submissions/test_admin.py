"""The administrator opens campaigns and reopens one unit after the deadline from the admin."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from submissions.models import Campaign, Event, Submission

pytestmark = pytest.mark.django_db


def admin_client(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def test_reopening_a_unit_records_the_date_and_reason(danang_submission: Submission, administrator: User) -> None:
    until = timezone.localdate() + datetime.timedelta(days=5)

    response = admin_client(administrator).post(
        f"/admin/submissions/submission/{danang_submission.pk}/reopen/",
        {"until": until.isoformat(), "reason": "Sở TT&TT gửi bổ sung văn bản theo công văn 123"},
    )

    assert response.status_code == 302
    danang_submission.refresh_from_db()
    assert danang_submission.reopened_until == until
    event = Event.objects.get(submission=danang_submission, kind="reopened")
    assert (event.actor, event.comment) == (administrator, "Sở TT&TT gửi bổ sung văn bản theo công văn 123")


def test_reopening_without_a_reason_is_refused_next_to_the_field(
    danang_submission: Submission, administrator: User
) -> None:
    until = timezone.localdate() + datetime.timedelta(days=5)

    response = admin_client(administrator).post(
        f"/admin/submissions/submission/{danang_submission.pk}/reopen/", {"until": until.isoformat(), "reason": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Trường này là bắt buộc."]}
    assert not Event.objects.filter(submission=danang_submission, kind="reopened").exists()


def test_opening_a_campaign_from_the_admin_creates_the_submissions(campaign: Campaign, administrator: User) -> None:
    draft = Campaign.objects.create(
        name="DTI 2024 cấp tỉnh (lần 2)", year=2024, level="province", framework=campaign.framework,
        groups=["province"], entry_opens=campaign.entry_opens, entry_closes=campaign.entry_closes,
        appraisal_closes=campaign.appraisal_closes, explanation_closes=campaign.explanation_closes,
        final_appraisal_closes=campaign.final_appraisal_closes, publication_date=campaign.publication_date,
    )  # fmt: skip

    response = admin_client(administrator).post(
        "/admin/submissions/campaign/", {"action": "open_selected", "_selected_action": [draft.pk]}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "open"
    assert sorted(draft.submissions.values_list("organisation__code", flat=True)) == ["46", "48", "49"]


def test_the_history_cannot_be_edited_in_the_admin(danang_submission: Submission, administrator: User) -> None:
    event = Event.objects.create(submission=danang_submission, kind="comment", actor=administrator, comment="Ghi chú")
    client = admin_client(administrator)

    assert client.get(f"/admin/submissions/event/{event.pk}/change/").status_code == 200
    response = client.post(f"/admin/submissions/event/{event.pk}/change/", {"comment": "Sửa"})

    assert response.status_code == 403
    event.refresh_from_db()
    assert event.comment == "Ghi chú"
