from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from accounts.models import Organisation

from .serializers import OrganisationSerializer


class OrganisationFilter(serializers.Serializer):
    level = serializers.ChoiceField(choices=Organisation.Level.choices, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


@extend_schema(
    parameters=[
        OpenApiParameter("level", OpenApiTypes.STR, enum=Organisation.Level.values, description="Cấp của tổ chức."),
        OpenApiParameter("year", OpenApiTypes.INT, description="Chỉ các tổ chức tồn tại trong năm đánh giá này."),
    ]
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Provinces, ministries and the authority, with the years they exist and their predecessors."""

    serializer_class = OrganisationSerializer
    permission_classes = [AllowAny]
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self) -> QuerySet[Organisation]:
        queryset = Organisation.objects.select_related("region").prefetch_related("predecessors")
        if self.action != "list":
            return queryset
        filters = OrganisationFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        if "level" in filters.validated_data:
            queryset = queryset.of_level(filters.validated_data["level"])
        if "year" in filters.validated_data:
            queryset = queryset.valid_in(filters.validated_data["year"])
        return queryset

    def get_serializer_context(self) -> dict[str, Any]:
        year = self.request.query_params.get("year", "") if self.request else ""
        return {**super().get_serializer_context(), "year": int(year) if year.isdigit() else None}
