from __future__ import annotations

from rest_framework import serializers

from webhooks.models import DeliveryState, WebhookEvent
from webhooks.services import URL_MAX_LENGTH


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=URL_MAX_LENGTH, help_text="HTTPS, tới một địa chỉ công cộng trên Internet.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1, max_length=len(WebhookEvent)
    )


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    organisation_code = serializers.CharField(
        source="organisation.code", allow_null=True, help_text="Đơn vị có sự kiện được gửi tới; null: mọi đơn vị."
    )
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(serializers.Serializer):
    """The answer to a registration: the only one that ever shows the secret."""

    id = serializers.IntegerField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    secret = serializers.CharField(
        help_text="Khoá ký mọi lần gửi (X-DTI-Signature: sha256=<HMAC>); chỉ trả về một lần."
    )
    created_at = serializers.DateTimeField()


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.ChoiceField(choices=WebhookEvent.choices)
    state = serializers.ChoiceField(choices=DeliveryState.choices)
    attempts = serializers.IntegerField()
    last_status = serializers.IntegerField(
        allow_null=True, help_text="Mã HTTP của lần gửi gần nhất; null: không có trả lời."
    )
    last_error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


class WebhookDetailSerializer(WebhookSerializer):
    deliveries = DeliverySerializer(
        many=True, source="recent_deliveries", help_text="20 lần gửi gần nhất, mới nhất trước."
    )
