"""Ranks, published snapshots, public pages, exports and the public results API."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RankingsConfig(AppConfig):
    name = "rankings"
    verbose_name = _("Xếp hạng và công bố")

    def ready(self) -> None:
        from .caching import connect_signals

        connect_signals()
