"""Celery task of webhooks: one attempt at a delivery, retried with its backoff until it is delivered or
given up. The delivery's row holds the count and the record, so running the task twice is harmless."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from .services import MAX_ATTEMPTS


# Celery's own retry count only backs up the delivery's: `attempt_delivery` stops at MAX_ATTEMPTS.
@shared_task(bind=True, name="webhooks.deliver", acks_late=True, max_retries=MAX_ATTEMPTS)
def deliver(self: Task[Any, Any], delivery_id: int) -> None:
    from .services import attempt_delivery

    delay = attempt_delivery(delivery_id=delivery_id)
    if delay is not None:
        raise self.retry(countdown=delay)
