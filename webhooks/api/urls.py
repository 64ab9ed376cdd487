from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/", views.WebhookListApi.as_view(), name="api-webhook-list"),
    path("webhooks/<int:webhook_id>/", views.WebhookDetailApi.as_view(), name="api-webhook-detail"),
]
