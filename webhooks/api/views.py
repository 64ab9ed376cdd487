"""Webhooks for units' and the authority's systems: register, list, read with the delivery log, delete."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import api_user
from common.errors import Forbidden
from webhooks.access import check_may_keep_webhooks, get_rw_webhook_for_user, get_webhook_for_user
from webhooks.models import Webhook
from webhooks.services import delete_webhook, register_webhook

from .serializers import WebhookCreatedSerializer, WebhookDetailSerializer, WebhookInputSerializer, WebhookSerializer


class MayKeepWebhooks(BasePermission):
    """A unit's IT lead or the authority's administrator; anyone else is refused with 403 and the reason."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        try:
            check_may_keep_webhooks(api_user(request))
        except Forbidden as refusal:
            self.message = str(refusal)
            return False
        return True


class WebhookListApi(generics.ListCreateAPIView):
    """The user's own webhooks, newest first; a unit's IT lead and the authority's administrator only."""

    serializer_class = WebhookSerializer
    permission_classes = [IsAuthenticated, MayKeepWebhooks]

    def get_queryset(self) -> QuerySet[Webhook]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks without a user
            return Webhook.objects.none()
        user = api_user(self.request)
        check_may_keep_webhooks(user)
        return Webhook.objects.owned_by(user).select_related("organisation").order_by("-created_at", "-id")

    @extend_schema(request=WebhookInputSerializer, responses={201: WebhookCreatedSerializer})
    def post(self, request: Request) -> Response:
        """Register a webhook: an IT lead's hears their own unit's events, the administrator's every unit's.
        The answer holds the signing secret, shown this once."""
        user = api_user(request)
        check_may_keep_webhooks(user)  # who may register comes before what they sent
        payload = WebhookInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        webhook = register_webhook(
            owner=user, url=payload.validated_data["url"], events=payload.validated_data["events"]
        )
        return Response(WebhookCreatedSerializer(webhook).data, status=status.HTTP_201_CREATED)


class WebhookDetailApi(APIView):
    permission_classes = [IsAuthenticated, MayKeepWebhooks]

    @extend_schema(responses=WebhookDetailSerializer)
    def get(self, request: Request, webhook_id: int) -> Response:
        """One of the user's webhooks with its recent deliveries: attempts, last status and error."""
        webhook = get_webhook_for_user(api_user(request), webhook_id)
        return Response(WebhookDetailSerializer(webhook).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, webhook_id: int) -> Response:
        """Delete one of the user's webhooks with its log: nothing more is sent to it."""
        webhook = get_rw_webhook_for_user(api_user(request), webhook_id)
        delete_webhook(webhook_id=webhook.pk, by=api_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
