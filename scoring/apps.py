"""The scoring engine (pure functions over plain data) and the tasks that run it for a campaign."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Tính điểm")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the recompute to data entry
