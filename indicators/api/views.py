from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.serializers import BaseSerializer

from common.filters import year_filter
from indicators.models import Aggregate, Framework, MissingNode, Node

from .serializers import FrameworkDetailSerializer, FrameworkSerializer


class FrameworkFilter(django_filters.FilterSet):
    year = year_filter(method="applies_in", help_text="Chỉ các bộ chỉ số áp dụng cho năm đánh giá này.")
    level = django_filters.ChoiceFilter(choices=Framework.Level.choices, help_text="Cấp của bộ chỉ số.")

    class Meta:
        model = Framework
        fields = ["year", "level"]

    def applies_in(self, queryset: QuerySet[Framework], name: str, value: int) -> QuerySet[Framework]:
        return queryset.filter(Q(last_year=None) | Q(last_year__gte=value), first_year__lte=value)


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Every framework version; one framework with its tree of indicators, aggregates and known gaps."""

    permission_classes = [AllowAny]
    lookup_field = "code"
    filterset_class = FrameworkFilter

    def get_queryset(self) -> QuerySet[Framework]:
        queryset = Framework.objects.all()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("nodes", queryset=Node.objects.order_by("order")),
                Prefetch("aggregates", queryset=Aggregate.objects.prefetch_related("main_indices")),
                Prefetch("missing", queryset=MissingNode.objects.select_related("parent")),
            )
        return queryset

    def filter_queryset(self, queryset: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
        # The list's filters; one framework is found by its code alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self) -> type[BaseSerializer[Framework]]:
        return FrameworkDetailSerializer if self.action == "retrieve" else FrameworkSerializer
