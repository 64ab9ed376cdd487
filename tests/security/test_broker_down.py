"""With the broker unreachable, units still save and take their steps; the recompute request stays
pending for the sweep, and the notifications stay in the app (only their e-mails wait)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import User
from dti_portal import celery_app
from scoring.models import Recompute
from submissions.models import Notification, Submission
from submissions.services import AnswerInput, save_answer, transition_submission
from tests.submissions.conftest import answer_of, fill_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(celery_config: Callable[..., None]) -> Iterator[None]:
    # Nothing listens on port 1: every publish fails at once.
    celery_config(task_always_eager=False, broker_url="redis://127.0.0.1:1/0", broker_connection_timeout=1,
                  task_publish_retry=False, broker_connection_retry=False)  # fmt: skip
    celery_app.pool.force_close_all()
    celery_app._pool = None  # the producer pool is rebuilt from the changed settings
    yield
    celery_app._pool = None


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
