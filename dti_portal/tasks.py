"""Tasks that belong to the portal as a whole rather than to one stage."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="dti_portal.ping")
def ping() -> str:
    """Answer "pong": proves that a queued task reaches a worker and comes back."""
    return "pong"
