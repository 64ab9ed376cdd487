"""Signals other stages listen to, so that data entry never imports what is computed from it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that changed a campaign's values (an answer, an appraisal, an
# authority value, an exclusion), with `campaign_id`. Scoring schedules a recompute after commit.
campaign_values_changed = Signal()

# Sent by `apply_transition` inside the transaction that moved a submission, once its new state and
# history row are written, with `submission`, `from_state`, `to_state`, `action` and `actor`. A listener
# that reaches outside the database waits for the commit, so a step rolled back is never announced.
submission_state_changed = Signal()
