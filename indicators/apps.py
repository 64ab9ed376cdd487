"""Frameworks: the tree of indicators, scoring-rule definitions, aggregates and their integrity check."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Bộ chỉ số")
