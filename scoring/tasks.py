"""Celery tasks of scoring: they take ids, re-fetch, call a service, and are safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="scoring.recompute_campaign",
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def recompute_campaign_task(campaign_id: int) -> int:
    """Recompute a campaign's results; returns how many were written."""
    from .services import recompute_campaign

    return recompute_campaign(campaign_id=campaign_id).results


@shared_task(name="scoring.requeue_pending")
def requeue_pending_task() -> list[int]:
    """The periodic sweep: queue again the recomputes whose request was lost or whose worker died."""
    from .services import requeue_pending_recomputes

    return requeue_pending_recomputes()
