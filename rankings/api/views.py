"""The public results API: published snapshots only, never a campaign's working results."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rankings.models import DTI, Publication, PublishedResult
from rankings.ranking import round_value

RESULT_FIELDS = {
    "organisation_code": serializers.CharField(),
    "organisation_name": serializers.CharField(),
    "group": serializers.CharField(),
    "value": serializers.FloatField(allow_null=True),
    "computed_value": serializers.FloatField(allow_null=True),
    "rank": serializers.IntegerField(allow_null=True),
    "score": serializers.FloatField(allow_null=True),
    "max_points": serializers.FloatField(allow_null=True),
    "rank_change": serializers.IntegerField(allow_null=True),
    "value_change": serializers.FloatField(allow_null=True),
}


class RankingApi(APIView):
    """One ranking table of a published year: every unit of the group, with its value and rank."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("level", OpenApiTypes.STR, required=True, enum=["province", "ministry"]),
            OpenApiParameter("group", OpenApiTypes.STR),
            OpenApiParameter("index", OpenApiTypes.STR, description="dti, a pillar code or a main-index code"),
        ],
        responses=inline_serializer(
            "Ranking",
            {
                "year": serializers.IntegerField(),
                "level": serializers.CharField(),
                "index": serializers.CharField(),
                "published_at": serializers.DateTimeField(),
                "results": inline_serializer("RankingRow", RESULT_FIELDS, many=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError:
            raise ValidationError({"year": "Năm phải là số, ví dụ 2021."}) from None
        level = request.query_params.get("level", "")
        if level not in ("province", "ministry"):
            raise ValidationError({"level": "Cấp phải là province hoặc ministry."})
        index = request.query_params.get("index") or DTI
        publication = Publication.objects.latest_for(year=year, level=level)
        if publication is None:
            raise NotFound(f"Chưa công bố kết quả DTI {year} cấp {level}.")
        rows = PublishedResult.objects.filter(publication=publication, index=index).select_related("organisation")
        group = request.query_params.get("group")
        if group:
            rows = rows.filter(group=group)
        if not rows.exists():
            raise NotFound(f"Không có chỉ số “{index}” trong kết quả đã công bố.")
        previous = _previous_figures(publication, index)
        precision = publication.campaign.framework.precision
        results = [_row(row, precision, previous.get(row.organisation_id)) for row in rows.order_by("group", "rank")]
        return Response({"year": year, "level": level, "index": index, "published_at": publication.published_at,
                         "results": results})  # fmt: skip


def _number(value: Decimal | None, places: int | None = None) -> float | None:
    if value is None:
        return None
    return float(round_value(value, places) if places is not None else value)


def _row(row: PublishedResult, precision: int, before: PublishedResult | None) -> dict[str, Any]:
    value = row.value
    return {
        "organisation_code": row.organisation.code,
        "organisation_name": row.organisation.short_name,
        "group": row.group,
        "value": _number(value, precision),
        "computed_value": _number(row.computed_value, precision),
        "rank": row.rank,
        "score": _number(row.score),
        "max_points": _number(row.max_points),
        "rank_change": (before.rank - row.rank) if before and before.rank and row.rank else None,
        "value_change": _number(value - before.value, precision) if before and value is not None
        and before.value is not None else None,
    }  # fmt: skip


def _previous_figures(publication: Publication, index: str) -> dict[int, PublishedResult]:
    """The same index in the previous year's latest publication, by organisation."""
    campaign = publication.campaign
    previous = Publication.objects.latest_for(year=campaign.year - 1, level=campaign.level)
    if previous is None:
        return {}
    rows = PublishedResult.objects.filter(publication=previous, index=index)
    return {row.organisation_id: row for row in rows}
