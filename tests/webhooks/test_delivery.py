"""Deliveries: signed, received by a real server on the loopback after real steps, retried with backoff,
logged where the owner reads them, and never sent to another unit, for a step rolled back, or after a
delete."""

from __future__ import annotations

import datetime
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from celery.exceptions import Retry
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django.fixtures import Settings

from accounts.models import Role, User
from rankings.services import publish_campaign
from submissions.models import Submission, SubmissionState
from submissions.services.approval import transition_submission
from tests.factories import UserFactory
from tests.submissions.conftest import fill_in
from webhooks.models import DeliveryState, Webhook, WebhookDelivery
from webhooks.services import MAX_ATTEMPTS
from webhooks.tasks import deliver

from .conftest import Receiver, client_for, register, take_from_explanation_to_final, take_to_explanation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_urls_allowed")]

ALL_EVENTS = ["submission.state_changed", "appraisal.released", "publication.published"]


README = Path(__file__).resolve().parents[2] / "README.md"


def readme_verifier() -> Callable[[str, bytes, str], bool]:
    """The receiver's check README.md prints (`is_from_the_portal`), taken from its Python block as it is."""
    text = README.read_text(encoding="utf-8")
    start = text.rindex("```python\n", 0, text.index("def is_from_the_portal"))
    namespace: dict[str, Any] = {}
    exec(text[start + len("```python\n") : text.index("\n```", start)], namespace)  # noqa: S102
    verifier: Callable[[str, bytes, str], bool] = namespace["is_from_the_portal"]
    return verifier


# What a receiver does, as the README tells it: recompute the HMAC of the body it got, compare in
# constant time.
signed_by = readme_verifier()


def submit_through_the_api(submission: Submission, reporter: User) -> None:
    response = client_for(reporter).post(f"/api/v1/submissions/{submission.pk}/transitions/",
                                         {"action": "submit", "from_state": "draft"}, format="json")  # fmt: skip
    assert response.status_code == 200, response.json()


def sent(receiver: Receiver) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, event header, the body's data) of every request the receiver got, in order."""
    return [(got.path, got.headers["X-DTI-Event"], json.loads(got.body)["data"]) for got in receiver.received]


def test_a_step_taken_through_the_api_reaches_the_units_server_signed_with_the_webhooks_secret(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    created = register(danang_it_lead, f"{receiver.url}/dti?unit=48", ["submission.state_changed"])
    fill_in(danang_submission, danang_reporter)

    with django_capture_on_commit_callbacks(execute=True):
        submit_through_the_api(danang_submission, danang_reporter)

    [got] = receiver.received
    delivery = WebhookDelivery.objects.get()
    assert got.path == "/dti?unit=48"
    assert got.body == delivery.body.encode()
    assert signed_by(created["secret"], got.body, got.headers["X-DTI-Signature"])
    assert not signed_by("another secret", got.body, got.headers["X-DTI-Signature"])
    assert (got.headers["Content-Type"], got.headers["X-DTI-Event"], got.headers["X-DTI-Delivery"]) == (
        "application/json", "submission.state_changed", str(delivery.pk),
    )  # fmt: skip
    document = json.loads(got.body)
    assert document == {
        "id": delivery.pk,
        "event": "submission.state_changed",
        "occurred_at": document["occurred_at"],
        "data": {
            "submission_id": danang_submission.pk, "organisation_code": "48", "year": 2024, "level": "province",
            "from_state": "draft", "to_state": "awaiting_it_lead", "action": "submit",
        },
    }  # fmt: skip
    assert datetime.datetime.fromisoformat(document["occurred_at"]) == delivery.created_at
    assert (delivery.attempts, delivery.last_status, delivery.last_error, delivery.state) == (
        1, 200, "", DeliveryState.DELIVERED,
    )  # fmt: skip
    assert delivery.next_attempt_at is None
    assert delivery.delivered_at == delivery.last_attempt_at


def test_the_delivery_log_is_in_the_owners_detail_and_nobody_elses(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    administrator: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    created = register(danang_it_lead, receiver.url, ["submission.state_changed"])
    fill_in(danang_submission, danang_reporter)
    with django_capture_on_commit_callbacks(execute=True):
        submit_through_the_api(danang_submission, danang_reporter)
    delivery = WebhookDelivery.objects.get()
    url = f"/api/v1/webhooks/{created['id']}/"

    deliveries = client_for(danang_it_lead).get(url).json()["deliveries"]

    assert deliveries == [{
        "id": delivery.pk, "event": "submission.state_changed", "state": "delivered", "attempts": 1,
        "last_status": 200, "last_error": "", "created_at": deliveries[0]["created_at"],
        "last_attempt_at": deliveries[0]["last_attempt_at"], "next_attempt_at": None,
        "delivered_at": deliveries[0]["last_attempt_at"],
    }]  # fmt: skip
    assert client_for(administrator).get(url).status_code == 404


def test_another_units_webhook_never_hears_this_units_steps_and_the_administrators_hears_every_unit(
    submitted_danang: Submission,
    hue_submission: Submission,
    hue_reporter: User,
    hue_it_lead: User,
    danang_it_lead: User,
    administrator: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    danangs = register(danang_it_lead, f"{receiver.url}/danang", ["submission.state_changed"])
    hues = register(hue_it_lead, f"{receiver.url}/hue", ["submission.state_changed"])
    register(administrator, f"{receiver.url}/all", ["submission.state_changed"])
    fill_in(hue_submission, hue_reporter)

    with django_capture_on_commit_callbacks(execute=True):
        transition_submission(submission_id=hue_submission.pk, user=hue_reporter, action="submit")

    assert sorted((path, data["organisation_code"]) for path, _event, data in sent(receiver)) == [
        ("/all", "46"), ("/hue", "46"),
    ]  # fmt: skip
    assert not WebhookDelivery.objects.filter(webhook_id=danangs["id"]).exists()
    assert WebhookDelivery.objects.filter(webhook_id=hues["id"]).count() == 1


def test_the_end_of_the_appraisal_and_the_finalising_release_the_appraisal_to_the_unit(
    submitted_danang: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
    appraiser: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    register(danang_it_lead, receiver.url, ["appraisal.released"])

    with django_capture_on_commit_callbacks(execute=True):
        take_to_explanation(submitted_danang, appraiser)
    with django_capture_on_commit_callbacks(execute=True):
        take_from_explanation_to_final(submitted_danang, appraiser, danang_reporter, danang_leader)

    unit = {"submission_id": submitted_danang.pk, "organisation_code": "48", "year": 2024, "level": "province"}
    assert sent(receiver) == [
        ("/", "appraisal.released", {**unit, "round": "preliminary"}),
        ("/", "appraisal.released", {**unit, "round": "final"}),
    ]


def test_a_publication_reaches_the_webhooks_listening_to_publications(
    submitted_danang: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
    appraiser: User,
    administrator: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    take_to_explanation(submitted_danang, appraiser)
    take_from_explanation_to_final(submitted_danang, appraiser, danang_reporter, danang_leader)
    # The other units' results settled as reported, as the publication tests do.
    Submission.objects.filter(campaign=submitted_danang.campaign).exclude(pk=submitted_danang.pk).update(
        state=SubmissionState.FINALISED
    )
    register(administrator, f"{receiver.url}/all", ["publication.published"])
    register(danang_it_lead, f"{receiver.url}/danang", ["publication.published"])

    with django_capture_on_commit_callbacks(execute=True):
        publication = publish_campaign(campaign_id=submitted_danang.campaign_id, by=administrator)

    data = {
        "campaign_id": submitted_danang.campaign_id, "year": 2024, "level": "province",
        "publication_id": publication.pk, "version": 1,
        "published_on": timezone.localdate(publication.published_at).isoformat(),
    }  # fmt: skip
    assert sorted(sent(receiver)) == [
        ("/all", "publication.published", data), ("/danang", "publication.published", data),
    ]  # fmt: skip


def test_a_step_rolled_back_is_never_announced(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    register(danang_it_lead, receiver.url, ["submission.state_changed"])
    fill_in(danang_submission, danang_reporter)

    def submit_then_fail() -> None:
        with transaction.atomic():
            transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")
            raise ArithmeticError("a later part of the same step failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ArithmeticError):
        submit_then_fail()

    assert (callbacks, receiver.received, WebhookDelivery.objects.count()) == ([], [], 0)
    danang_submission.refresh_from_db()
    assert danang_submission.state == SubmissionState.DRAFT


def pending_delivery(
    submission: Submission,
    reporter: User,
    it_lead: User,
    url: str,
    capture: DjangoCaptureOnCommitCallbacks,
) -> tuple[dict[str, Any], WebhookDelivery]:
    """A webhook and the delivery of a submit, written but not yet attempted (its queueing is dropped)."""
    created = register(it_lead, url, ["submission.state_changed"])
    fill_in(submission, reporter)
    with capture(execute=False):
        transition_submission(submission_id=submission.pk, user=reporter, action="submit")
    return created, WebhookDelivery.objects.get()


def test_a_failing_server_gets_its_attempt_recorded_and_a_retry_after_thirty_seconds(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    _created, delivery = pending_delivery(danang_submission, danang_reporter, danang_it_lead, receiver.url,
                                          django_capture_on_commit_callbacks)  # fmt: skip
    receiver.statuses = [500]

    # Called directly (not by a worker), Celery's retry raises Retry instead of queueing the next attempt.
    with pytest.raises(Retry):
        deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert len(receiver.received) == 1
    assert (delivery.attempts, delivery.last_status, delivery.last_error, delivery.state) == (
        1, 500, "HTTP 500 Internal Server Error: boom", DeliveryState.PENDING,
    )  # fmt: skip
    assert delivery.last_attempt_at is not None
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at - delivery.last_attempt_at == datetime.timedelta(seconds=30)
    assert delivery.delivered_at is None


def test_a_retry_sends_the_same_signed_body_again_until_the_server_takes_it(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    created, delivery = pending_delivery(danang_submission, danang_reporter, danang_it_lead, receiver.url,
                                         django_capture_on_commit_callbacks)  # fmt: skip
    receiver.statuses = [503, 204]

    # Eagerly, Celery runs the retry at once instead of after its countdown.
    deliver.apply(kwargs={"delivery_id": delivery.pk}, throw=False)

    delivery.refresh_from_db()
    first, second = receiver.received
    assert (first.body, first.headers["X-DTI-Signature"]) == (second.body, second.headers["X-DTI-Signature"])
    assert signed_by(created["secret"], second.body, second.headers["X-DTI-Signature"])
    assert (delivery.attempts, delivery.last_status, delivery.last_error, delivery.state) == (
        2, 204, "", DeliveryState.DELIVERED,
    )  # fmt: skip


def test_after_the_eighth_failed_attempt_the_delivery_is_given_up(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    _created, delivery = pending_delivery(danang_submission, danang_reporter, danang_it_lead, receiver.url,
                                          django_capture_on_commit_callbacks)  # fmt: skip
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=MAX_ATTEMPTS - 1)
    receiver.statuses = [500]

    deliver(delivery_id=delivery.pk)  # no Retry raised: none is scheduled

    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status, delivery.next_attempt_at, delivery.state) == (
        8, 500, None, DeliveryState.FAILED,
    )  # fmt: skip


def test_a_server_that_cannot_be_reached_is_recorded_without_a_status(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    # A port nothing listens on: one the system just handed out and took back.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _created, delivery = pending_delivery(danang_submission, danang_reporter, danang_it_lead,
                                          f"http://127.0.0.1:{port}/", django_capture_on_commit_callbacks)  # fmt: skip

    with pytest.raises(Retry):
        deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status) == (1, None)
    assert delivery.last_error == "Không kết nối được: ConnectionRefusedError: [Errno 111] Connection refused"


def test_deleting_a_webhook_stops_its_deliveries_even_one_waiting_for_a_retry(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    created, delivery = pending_delivery(danang_submission, danang_reporter, danang_it_lead, receiver.url,
                                         django_capture_on_commit_callbacks)  # fmt: skip

    assert client_for(danang_it_lead).delete(f"/api/v1/webhooks/{created['id']}/").status_code == 204
    deliver(delivery_id=delivery.pk)  # the waiting retry finds nothing to send
    with django_capture_on_commit_callbacks(execute=True):
        transition_submission(submission_id=danang_submission.pk, user=danang_it_lead, action="approve")

    assert (receiver.received, WebhookDelivery.objects.count()) == ([], 0)


def test_a_name_that_resolves_to_a_private_address_at_delivery_is_not_reached(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    receiver: Receiver,
    resolver: dict[str, str],
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    # Public when registered; the loopback, where the receiver listens, when the delivery is attempted.
    resolver["hooks.danang.gov.vn"] = "93.184.215.14"
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    port = receiver.url.rsplit(":", 1)[1]
    _created, delivery = pending_delivery(danang_submission, danang_reporter, danang_it_lead,
                                          f"https://hooks.danang.gov.vn:{port}/",
                                          django_capture_on_commit_callbacks)  # fmt: skip
    resolver["hooks.danang.gov.vn"] = "127.0.0.1"

    with pytest.raises(Retry):
        deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert receiver.received == []
    assert (delivery.attempts, delivery.last_status, delivery.state) == (1, None, DeliveryState.PENDING)
    assert delivery.last_error == (
        "Địa chỉ webhook trỏ tới một địa chỉ nội bộ (127.0.0.1): loopback, mạng riêng, link-local hay địa chỉ "
        "dành riêng đều không được chấp nhận."
    )


def test_a_webhook_whose_owner_is_no_longer_the_it_lead_hears_nothing_more(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    _created, delivery = pending_delivery(danang_submission, danang_reporter, danang_it_lead, receiver.url,
                                          django_capture_on_commit_callbacks)  # fmt: skip
    User.objects.filter(pk=danang_it_lead.pk).update(roles=[Role.REPORTER])
    successor = UserFactory.create(username="danang.cntt.moi", organisation=danang_it_lead.organisation,
                                   roles=[Role.IT_LEAD])  # fmt: skip

    deliver(delivery_id=delivery.pk)
    with django_capture_on_commit_callbacks(execute=True):
        transition_submission(submission_id=danang_submission.pk, user=successor, action="approve")

    delivery.refresh_from_db()
    assert (receiver.received, WebhookDelivery.objects.count()) == ([], 1)
    assert (delivery.attempts, delivery.state) == (0, DeliveryState.FAILED)
    assert delivery.last_error == "Không gửi: webhook đã tắt hoặc người đăng ký không còn vai trò."


def test_a_switched_off_webhook_gets_no_delivery(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    created = register(danang_it_lead, receiver.url, ["submission.state_changed"])
    Webhook.objects.filter(pk=created["id"]).update(active=False)
    fill_in(danang_submission, danang_reporter)

    with django_capture_on_commit_callbacks(execute=True):
        transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")

    assert (receiver.received, WebhookDelivery.objects.count()) == ([], 0)
