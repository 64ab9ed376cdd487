"""Campaigns, submissions, answers, evidence, the approval chain, appraisal and explanation."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Số liệu và thẩm định")
