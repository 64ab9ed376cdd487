from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.serializers import BaseSerializer

from indicators.models import Aggregate, Framework, MissingNode, Node

from .serializers import FrameworkDetailSerializer, FrameworkSerializer


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Every framework version; one framework with its tree of indicators, aggregates and known gaps."""

    permission_classes = [AllowAny]
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self) -> QuerySet[Framework]:
        queryset = Framework.objects.all()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("nodes", queryset=Node.objects.order_by("order")),
                Prefetch("aggregates", queryset=Aggregate.objects.prefetch_related("main_indices")),
                Prefetch("missing", queryset=MissingNode.objects.select_related("parent")),
            )
        return queryset

    def get_serializer_class(self) -> type[BaseSerializer[Framework]]:
        return FrameworkDetailSerializer if self.action == "retrieve" else FrameworkSerializer
