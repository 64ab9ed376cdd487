"""The administrator reads every webhook and its deliveries, and may switch a webhook off or delete it.

Webhooks are registered through the API only, which checks the URL; the secret is never shown here.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Webhook, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "organisation", "events", "active", "created_at"]
    list_filter = ["active", "organisation"]
    fields = ["url", "owner", "organisation", "events", "active", "created_at"]
    readonly_fields = ["url", "owner", "organisation", "events", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["webhook", "event", "delivery_state", "attempts", "last_status", "last_error", "created_at",
                    "delivered_at"]  # fmt: skip
    list_filter = ["event"]
    list_select_related = ["webhook"]
    readonly_fields = ["webhook", "event", "payload", "body", "attempts", "last_status", "last_error", "created_at",
                       "last_attempt_at", "next_attempt_at", "delivered_at"]  # fmt: skip

    @admin.display(description=_("Trạng thái"))
    def delivery_state(self, obj: WebhookDelivery) -> str:
        return str(obj.state.label)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        return False
