"""Webhooks: integrators' systems told, signed and retried, of what the stages below did."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhook")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - listens to the submissions' and the results' signals
