"""Scoring listens to data entry: a change of a campaign's values schedules its recompute."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from submissions.signals import campaign_values_changed

from .services import schedule_recompute


@receiver(campaign_values_changed)
def recompute_when_values_change(sender: Any, campaign_id: int, **kwargs: Any) -> None:
    schedule_recompute(campaign_id=campaign_id)
