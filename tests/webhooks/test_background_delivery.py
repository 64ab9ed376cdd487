"""Without a broker (the embedded default), deliveries never hold a request: they leave from the process's
background worker after the response, and a failed one waits there for its retry."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings

from accounts.models import User
from common.background import worker
from submissions.models import Submission
from tests.submissions.conftest import fill_in
from webhooks.models import DeliveryState, WebhookDelivery

from .conftest import Receiver, client_for, register

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_urls_allowed")]


@pytest.fixture
def in_process(settings: Settings) -> Iterator[None]:
    settings.WEBHOOK_DELIVERIES_IN_PROCESS = True
    yield
    assert worker.wait_idle(timeout=60)


def submit(submission: Submission, reporter: User) -> None:
    response = client_for(reporter).post(f"/api/v1/submissions/{submission.pk}/transitions/",
                                         {"action": "submit", "from_state": "draft"}, format="json")  # fmt: skip
    assert response.status_code == 200


def wait_for_runs(count: int) -> None:
    """Until the background worker has finished `count` jobs in all (its thread runs them a moment later)."""
    for _ in range(400):
        if worker.runs >= count:
            return
        time.sleep(0.025)
    raise AssertionError("the background worker did not run the delivery")


def test_the_delivery_leaves_from_the_background_worker_after_the_response(
    in_process: None, danang_submission: Submission, danang_reporter: User, danang_it_lead: User, receiver: Receiver
) -> None:
    register(danang_it_lead, receiver.url, ["submission.state_changed"])
    fill_in(danang_submission, danang_reporter)

    with worker.held():
        submit(danang_submission, danang_reporter)
        # The answer came back with the delivery written and not yet attempted.
        waiting = WebhookDelivery.objects.get()
        assert (receiver.received, waiting.attempts, waiting.state) == ([], 0, DeliveryState.PENDING)
    assert worker.wait_idle(timeout=30)

    delivered = WebhookDelivery.objects.get()
    assert len(receiver.received) == 1
    assert (delivered.attempts, delivered.last_status, delivered.state) == (1, 200, DeliveryState.DELIVERED)


def test_a_failed_delivery_waits_in_the_background_worker_for_its_retry(
    in_process: None, danang_submission: Submission, danang_reporter: User, danang_it_lead: User, receiver: Receiver
) -> None:
    register(danang_it_lead, receiver.url, ["submission.state_changed"])
    fill_in(danang_submission, danang_reporter)
    receiver.statuses = [500]

    runs = worker.runs
    submit(danang_submission, danang_reporter)
    wait_for_runs(runs + 1)
    failed = WebhookDelivery.objects.get()

    assert (failed.attempts, failed.last_status, failed.state) == (1, 500, DeliveryState.PENDING)
    assert worker.is_busy(("webhook", failed.pk))  # its retry, due in 30 s
    # Waiting for the worker to be idle starts what waits at once: the retry is taken.
    assert worker.wait_idle(timeout=30)
    retried = WebhookDelivery.objects.get()
    assert len(receiver.received) == 2
    assert (retried.attempts, retried.last_status, retried.state) == (2, 200, DeliveryState.DELIVERED)
