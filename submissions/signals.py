"""Signals other stages listen to, so that data entry never imports what is computed from it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that changed a campaign's values (an answer, an appraisal, an
# authority value, an exclusion), with `campaign_id`. Scoring schedules a recompute after commit.
campaign_values_changed = Signal()
