"""Signals of the results stage, so that it never imports what tells others about its results."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `publish_campaign` inside the transaction that froze a new version of a campaign's results,
# with `publication`. A listener that reaches outside the database waits for the commit.
campaign_published = Signal()
