"""With the broker unreachable, units still save and take their steps; the recompute request stays
pending for the sweep, and the notifications stay in the app (only their e-mails wait)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from kombu.exceptions import OperationalError
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import User
from scoring.models import Recompute
from scoring.tasks import recompute_campaign_task
from submissions.models import Notification, Submission
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput, save_answer
from submissions.tasks import send_notification_emails
from tests.submissions.conftest import answer_of, fill_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every publish fails as it does when Redis is stopped (the real outage is `make faults`)."""

    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(recompute_campaign_task, "apply_async", unreachable)
    monkeypatch.setattr(send_notification_emails, "apply_async", unreachable)


def test_saves_and_steps_succeed_while_the_broker_is_down(
    broker_down: None,
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    fill_in(danang_submission, danang_reporter)
    leaf = answer_of(danang_submission, "1.1.2")

    with django_capture_on_commit_callbacks(execute=True):
        save_answer(answer_id=leaf.pk, user=danang_reporter, given=AnswerInput(value=Decimal(70)),
                    expected_version=leaf.version)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        submitted = transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")

    run = Recompute.objects.get(campaign=danang_submission.campaign)
    assert submitted.state == "awaiting_it_lead"
    assert answer_of(danang_submission, "1.1.2").value == Decimal(70)
    assert (run.pending, run.state) == (True, "failed")
    assert Notification.objects.filter(user=danang_it_lead, submission=danang_submission).count() == 1
