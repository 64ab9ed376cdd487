"""Registering webhooks, and delivering events to them.

`announce` runs inside the transaction of the step it announces: it writes one delivery per listening
webhook (its body signed once and kept as sent) and queues them when that transaction commits, so a
step rolled back is never announced. Each delivery is then attempted away from any request (a Celery
task, or the process's background worker without a broker): a 2xx answer delivers it; anything else is
recorded and tried again after 30 s, 1, 2, 4, … minutes, eight attempts in all. A receiver may get a
delivery twice (a retry after an answer that was lost): `X-DTI-Delivery` tells them apart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery.exceptions import Retry
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common import background
from common.errors import InvalidInput

from .access import scope_of, still_entitled
from .addresses import UnsafeUrl, resolve
from .models import SUBMISSION_EVENTS, Webhook, WebhookDelivery, WebhookEvent
from .sending import post

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
# Each delivery to each webhook is one request: a bound on an owner's webhooks bounds what one step sends.
MAX_WEBHOOKS_PER_OWNER = 10
URL_MAX_LENGTH = 500
SIGNATURE_HEADER = "X-DTI-Signature"


def register_webhook(*, owner: User, url: str, events: list[str]) -> Webhook:
    """Register a webhook for the owner's scope (their unit, or every unit for the administrator).

    Refuses (InvalidInput, by field) an unknown or missing event and a URL that is not HTTPS to a public
    address; the URL is resolved here, before any row is locked.
    """
    organisation_id = scope_of(owner)
    unknown = sorted(set(events) - set(WebhookEvent.values))
    chosen = [event for event in WebhookEvent.values if event in events]
    if unknown or not chosen:
        raise InvalidInput({"events": _("Chọn một hoặc nhiều sự kiện trong: %(events)s.")
                            % {"events": ", ".join(WebhookEvent.values)}})  # fmt: skip
    url = url.strip()
    if len(url) > URL_MAX_LENGTH:
        raise InvalidInput({"url": _("Địa chỉ webhook dài quá %(count)s ký tự.") % {"count": URL_MAX_LENGTH}})
    try:
        resolve(url)
    except UnsafeUrl as refused:
        raise InvalidInput({"url": str(refused)}) from None
    with transaction.atomic():
        # The owner's row is the lock that keeps the count below exact under two registrations at once.
        User.objects.select_for_update().filter(pk=owner.pk).first()
        if Webhook.objects.owned_by(owner).count() >= MAX_WEBHOOKS_PER_OWNER:
            raise InvalidInput({"non_field_errors": _("Mỗi tài khoản đăng ký tối đa %(count)s webhook.")
                                % {"count": MAX_WEBHOOKS_PER_OWNER}})  # fmt: skip
        return Webhook.objects.create(
            owner=owner, organisation_id=organisation_id, url=url, secret=secrets.token_hex(32), events=chosen
        )


def delete_webhook(*, webhook_id: int, by: User) -> None:
    """Delete one of `by`'s webhooks with its log; a delivery waiting for a retry finds nothing and stops."""
    with transaction.atomic():
        Webhook.objects.owned_by(by).filter(pk=webhook_id).delete()


def announce(*, event: WebhookEvent, data: dict[str, Any], organisation_id: int | None) -> list[int]:
    """Write a delivery of `event` to every switched-on webhook that hears it, in the caller's transaction,
    and queue them once it commits; return their ids.

    A unit's event (`organisation_id` set) reaches that unit's webhooks and the administrator's; a
    publication (`organisation_id` None) reaches every webhook listening to it.
    """
    if event in SUBMISSION_EVENTS:
        assert organisation_id is not None, "a unit's event names its unit"
        hooks = Webhook.objects.hearing_unit(organisation_id)
    else:
        hooks = Webhook.objects.hearing_publications()
    chosen = [hook for hook in hooks if hook.listens_to(event) and still_entitled(hook)]
    if not chosen:
        return []
    occurred_at = timezone.now()
    ids: list[int] = []
    for hook in chosen:
        delivery = WebhookDelivery.objects.create(
            webhook=hook, event=event, payload=data, body="", created_at=occurred_at, next_attempt_at=occurred_at
        )
        # The body names its own delivery, so it is written once the row has its id.
        delivery.body = envelope(delivery_id=delivery.pk, event=event, occurred_at=occurred_at, data=data)
        delivery.save(update_fields=["body"])
        ids.append(delivery.pk)
    transaction.on_commit(partial(_queue_all, ids))
    return ids


def envelope(*, delivery_id: int, event: str, occurred_at: datetime, data: dict[str, Any]) -> str:
    """The body of a delivery: compact JSON with sorted keys, ASCII only, so its text is its bytes."""
    document = {"id": delivery_id, "event": event, "occurred_at": occurred_at.isoformat(), "data": data}
    return json.dumps(document, separators=(",", ":"), sort_keys=True, ensure_ascii=True)


def signature(*, secret: str, body: bytes) -> str:
    """The X-DTI-Signature header's value: HMAC-SHA256 of the exact body with the webhook's secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: 30, 60, 120, … doubling each time."""
    return int(FIRST_RETRY_SECONDS * 2 ** (attempts - 1))


def attempt_delivery(*, delivery_id: int) -> int | None:
    """Make one attempt at a delivery and record it; return the seconds until the next attempt, or None
    when there is none to make (delivered, given up, or its webhook deleted, switched off or no longer
    its owner's to keep). Runs outside any transaction: the request may take up to its timeout."""
    delivery = WebhookDelivery.objects.select_related("webhook__owner").filter(pk=delivery_id).first()
    if delivery is None or delivery.delivered_at is not None or delivery.next_attempt_at is None:
        return None
    webhook = delivery.webhook
    if not webhook.active or not still_entitled(webhook):
        WebhookDelivery.objects.filter(pk=delivery.pk, delivered_at=None).update(
            next_attempt_at=None, last_error="Không gửi: webhook đã tắt hoặc người đăng ký không còn vai trò."
        )
        return None
    body = delivery.body.encode("ascii")
    answer = post(
        url=webhook.url,
        body=body,
        headers={
            "Content-Type": "application/json",
            "User-Agent": "DTI-Portal-Webhooks",
            "X-DTI-Event": delivery.event,
            "X-DTI-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: signature(secret=webhook.secret, body=body),
        },
    )
    attempts = delivery.attempts + 1
    now = timezone.now()
    delay = None if answer.delivered or attempts >= MAX_ATTEMPTS else retry_delay(attempts)
    # Only the attempt that read this count records: a second copy of the task running at once leaves the
    # record, and the retry, to the first.
    recorded = WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
        attempts=attempts,
        last_status=answer.status,
        last_error=answer.error,
        last_attempt_at=now,
        delivered_at=now if answer.delivered else None,
        next_attempt_at=now + timedelta(seconds=delay) if delay is not None else None,
    )
    return delay if recorded else None


def queue_delivery(*, delivery_id: int, delay: int = 0) -> None:
    """Hand an attempt to Celery, or to the process's background worker when there is no broker."""
    from .tasks import deliver

    if settings.WEBHOOK_DELIVERIES_IN_PROCESS:
        background.worker.submit(("webhook", delivery_id), partial(_attempt_in_process, delivery_id), delay=delay)
        return
    try:
        deliver.apply_async(kwargs={"delivery_id": delivery_id}, countdown=delay or None)
    except Retry:
        # Only in eager mode (the test settings), where the attempt ran here and failed: it is recorded, and
        # Celery has no later to run its retry in.
        pass
    except Exception:
        # The step it announces stands; only this delivery is lost, and its log says so.
        logger.exception("Could not queue the webhook delivery %s", delivery_id)
        WebhookDelivery.objects.filter(pk=delivery_id, delivered_at=None).update(
            next_attempt_at=None, last_error="Không đưa được vào hàng đợi gửi."
        )


def _queue_all(ids: list[int]) -> None:
    for delivery_id in ids:
        queue_delivery(delivery_id=delivery_id)


def _attempt_in_process(delivery_id: int) -> None:
    """The background worker's attempt: a retry is queued back to the worker after its delay."""
    delay = attempt_delivery(delivery_id=delivery_id)
    if delay is not None:
        queue_delivery(delivery_id=delivery_id, delay=delay)
