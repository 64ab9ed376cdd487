"""The authority's own sources through the API: a campaign's authority-sourced values for many units at
once, by the sheet import's rules (`save_authority_values`), all or nothing."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import api_user
from submissions.access import appraisers_only, get_campaign_for_authority
from submissions.services.authority_values import AuthorityValue, save_authority_values

# Where the values came from, in each history row they write (the sheet's rows name its file).
API_NOTE = {"via": "api"}


class AuthorityValuesInputSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=serializers.DictField(child=serializers.JSONField(allow_null=True)),
        allow_empty=True,
        help_text=(
            "Theo mã đơn vị, theo khóa chỉ số: một số (hoặc chuỗi như “9,75”); với chỉ số tỷ lệ "
            '{"numerator": …, "denominator": …}; với chỉ số theo mức, tên mức; null giữ nguyên giá trị.'
        ),
    )


CHANGED = inline_serializer("AuthorityValuesChanged", {"changed": serializers.IntegerField()})
INVALID = inline_serializer(
    "AuthorityValuesErrors",
    {
        "errors": serializers.DictField(
            child=serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
            required=False,
            help_text="Theo mã đơn vị, theo khóa chỉ số: các lỗi; khi có lỗi, không giá trị nào được lưu.",
        )
    },
)


class AuthorityValuesApi(APIView):
    """PUT a campaign's authority-sourced values: every value checked as the sheet import checks it, and
    none saved unless all are valid. Only the authority's appraisers, as for the sheet."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AuthorityValuesInputSerializer,
        responses={
            200: CHANGED,
            400: OpenApiResponse(
                response=INVALID,
                description="Giá trị không hợp lệ, theo đơn vị và chỉ số (hoặc nội dung gửi sai dạng, theo trường).",
            ),
        },
    )
    def put(self, request: Request, campaign_id: int) -> Response:
        user = api_user(request)
        appraisers_only(user)
        campaign = get_campaign_for_authority(user, campaign_id)
        payload = AuthorityValuesInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        sent: dict[str, dict[str, Any]] = payload.validated_data["values"]
        values = [AuthorityValue(code, key, value) for code, leaves in sent.items() for key, value in leaves.items()]
        changes = save_authority_values(campaign_id=campaign.pk, user=user, values=values, apply=True, note=API_NOTE)
        return Response({"changed": len(changes)})
