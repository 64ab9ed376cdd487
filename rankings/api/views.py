"""The public results API: published snapshots only, never a campaign's working results, and official
ones only: a trial campaign's publication is for the portal's signed-in users, never for integrators,
whoever asks (`official()` is every endpoint's starting set).

Every answer carries an ETag and Last-Modified (a client sending If-None-Match or If-Modified-Since
gets 304 while nothing was republished); list endpoints also answer `?format=csv`.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.http import http_date, parse_http_date_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation
from common.spreadsheets import csv_cell
from rankings.models import DTI, Publication, PublicationQuerySet
from rankings.parameters import is_plain, year_of
from rankings.queries import TableRow, latest_publications, publication_for, ranking_table, unit_profile
from rankings.ranking import round_value


def official() -> PublicationQuerySet:
    """The publications the API answers with, for every client, signed in or not."""
    return Publication.objects.official()


class CsvRenderer(BaseRenderer):
    """`?format=csv`: the rows under "results" as CSV (nested lists are flattened to text); safe to
    open in Excel: text that a spreadsheet would run as a formula is neutralised by `csv_cell`."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        rows = data.get("results") if isinstance(data, dict) else None
        view = (renderer_context or {}).get("view")
        fields = list(getattr(view, "csv_fields", []))
        if rows is None:  # an error: keep its message readable
            rows = [data] if isinstance(data, dict) else []
            fields = list(rows[0]) if rows else ["detail"]
        # The header is written even for no rows: an empty file still says what it would hold.
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields or list(rows[0] if rows else ["detail"]),
                                extrasaction="ignore")  # fmt: skip
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(value) for key, value in row.items()})
        return buffer.getvalue().encode(self.charset)


def _cell(value: Any) -> Any:
    if isinstance(value, dict):  # a coverage: "5/63"
        return "/".join(str(part) for part in value.values())
    if isinstance(value, list):
        value = "; ".join(
            " ".join(str(part) for part in item.values() if part) if isinstance(item, dict) else str(item)
            for item in value
        )
    return csv_cell(value)


class PublicApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    renderer_classes = [JSONRenderer, CsvRenderer]

    def conditional(
        self, request: Request, publications: list[Publication], build: Callable[[], dict[str, Any]]
    ) -> Response:
        """Answer 304 when the client's copy is current; else build the body with ETag and Last-Modified."""
        fingerprint = "|".join(f"{p.pk}:{p.version}:{p.published_at.isoformat()}" for p in publications)
        fingerprint += "|" + request.get_full_path()
        etag = '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'
        modified = max((p.published_at for p in publications), default=None)
        if_none_match = request.headers.get("If-None-Match")
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        fresh = (if_none_match is not None and etag in [tag.strip() for tag in if_none_match.split(",")]) or (
            if_none_match is None and since is not None and modified is not None and int(modified.timestamp()) <= since
        )
        response = Response(status=status.HTTP_304_NOT_MODIFIED) if fresh else Response(build())
        response["ETag"] = etag
        if modified is not None:
            response["Last-Modified"] = http_date(modified.timestamp())
        response["Cache-Control"] = "public, max-age=300"
        return response


RESULT_FIELDS: dict[str, serializers.Field] = {
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
    "previous_derived": serializers.BooleanField(),
}


def _number(value: Decimal | None, places: int | None = None) -> float | None:
    if value is None:
        return None
    return float(round_value(value, places) if places is not None else value)


COVERAGE = inline_serializer("Coverage", {"units": serializers.IntegerField(), "of": serializers.IntegerField()})


def _year(request: Request, required: bool = True) -> int | None:
    text = request.query_params.get("year", "")
    if not text and not required:
        return None
    year = year_of(text)
    if year is None:
        raise ValidationError({"year": "Năm phải là một năm đánh giá, ví dụ 2021."})
    return year


def _plain(request: Request, name: str) -> str:
    """A text parameter that may reach a query; a NUL character in it names nothing (400)."""
    text = request.query_params.get(name, "")
    if not is_plain(text):
        raise ValidationError({name: "Giá trị không hợp lệ."})
    return text


class RankingApi(PublicApi):
    """One ranking table of a published year: every unit of the group, with its value and rank."""

    csv_fields = list(RESULT_FIELDS)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("level", OpenApiTypes.STR, required=True, enum=["province", "ministry"]),
            OpenApiParameter("group", OpenApiTypes.STR),
            OpenApiParameter("index", OpenApiTypes.STR, description="dti, a pillar code or a main-index code"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        ],
        responses=inline_serializer(
            "Ranking",
            {
                "year": serializers.IntegerField(),
                "level": serializers.CharField(),
                "index": serializers.CharField(),
                "published_at": serializers.DateTimeField(),
                "version": serializers.IntegerField(),
                "coverage": COVERAGE,
                "results": inline_serializer("RankingRow", RESULT_FIELDS, many=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        year = _year(request)
        level = request.query_params.get("level", "")
        if level not in ("province", "ministry"):
            raise ValidationError({"level": "Cấp phải là province hoặc ministry."})
        index = _plain(request, "index") or DTI
        publication = official().latest_for(year=year, level=level)  # type: ignore[arg-type]
        if publication is None:
            raise NotFound(f"Chưa công bố kết quả DTI {year} cấp {level}.")
        group = _plain(request, "group") or None
        if not publication.results.filter(index=index).exists():
            raise NotFound(f"Không có chỉ số “{index}” trong kết quả đã công bố.")

        def build() -> dict[str, Any]:
            precision = publication.campaign.framework.precision
            table = ranking_table(publication, index, group)
            return {"year": year, "level": level, "index": index, "published_at": publication.published_at,
                    "version": publication.version, "coverage": publication.coverage,
                    "results": [_row(row, precision) for row in table]}  # fmt: skip

        return self.conditional(request, [publication], build)


def _row(row: TableRow, precision: int) -> dict[str, Any]:
    return {
        "organisation_code": row.organisation.code,
        "organisation_name": row.name,
        "group": row.group,
        "value": _number(row.value, precision),
        "computed_value": _number(row.computed_value, precision),
        "rank": row.rank,
        "score": _number(row.score),
        "max_points": _number(row.max_points),
        "rank_change": row.rank_change,
        "value_change": _number(row.value_change, precision),
        "previous_derived": bool(row.previous and row.previous.derived),
    }


class OrganisationResultsApi(PublicApi):
    """Every published index of one unit for a year (the newest published year by default)."""

    csv_fields = ["index", "label", "kind", "value", "rank", "group_size", "group_average", "score", "max_points"]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        ],
        responses=inline_serializer(
            "OrganisationResults",
            {
                "organisation_code": serializers.CharField(),
                "organisation_name": serializers.CharField(),
                "level": serializers.CharField(),
                "group": serializers.CharField(),
                "year": serializers.IntegerField(),
                "version": serializers.IntegerField(),
                "published_at": serializers.DateTimeField(),
                "coverage": COVERAGE,
                "results": inline_serializer(
                    "OrganisationResultRow",
                    {
                        "index": serializers.CharField(),
                        "label": serializers.CharField(),
                        "kind": serializers.CharField(),
                        "value": serializers.FloatField(allow_null=True),
                        "rank": serializers.IntegerField(allow_null=True),
                        "group_size": serializers.IntegerField(),
                        "group_average": serializers.FloatField(allow_null=True),
                        "score": serializers.FloatField(allow_null=True),
                        "max_points": serializers.FloatField(allow_null=True),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request: Request, code: str) -> Response:
        if not is_plain(code):
            raise NotFound("Không có đơn vị này.")
        organisation = get_object_or_404(Organisation, code=code)
        year = _year(request, required=False)
        if year is None:
            publications = [p for p in latest_publications(official(), organisation.level)
                            if p.results.filter(organisation=organisation).exists()]  # fmt: skip
            publication = publications[0] if publications else None
        else:
            publication = publication_for(official(), year, organisation.level)
        if publication is None or not publication.results.filter(organisation=organisation).exists():
            raise NotFound(
                f"Chưa có kết quả công bố của {organisation.short_name}" + (f" năm {year}." if year else ".")
            )

        def build() -> dict[str, Any]:
            precision = publication.campaign.framework.precision
            rows = unit_profile(publication, organisation)
            return {
                "organisation_code": organisation.code,
                "organisation_name": organisation.short_name,
                "level": organisation.level,
                "group": organisation.group,
                "year": publication.campaign.year,
                "version": publication.version,
                "published_at": publication.published_at,
                "coverage": publication.coverage,
                "results": [
                    {"index": row.index, "label": row.label, "kind": row.kind, "value": _number(row.value, precision),
                     "rank": row.rank, "group_size": row.group_size,
                     "group_average": _number(row.group_average, precision), "score": _number(row.score),
                     "max_points": _number(row.max_points)}
                    for row in rows
                ],
            }  # fmt: skip

        return self.conditional(request, [publication], build)


class CampaignListApi(PublicApi):
    """Every published year and level, with its versions and their revision notes."""

    csv_fields = ["year", "level", "name", "framework", "version", "published_at", "revision_note", "source",
                  "versions", "coverage"]  # fmt: skip

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"])],
        responses=inline_serializer(
            "PublishedCampaigns",
            {
                "results": inline_serializer(
                    "PublishedCampaign",
                    {
                        "year": serializers.IntegerField(),
                        "level": serializers.CharField(),
                        "name": serializers.CharField(),
                        "framework": serializers.CharField(),
                        "version": serializers.IntegerField(),
                        "published_at": serializers.DateTimeField(),
                        "revision_note": serializers.CharField(),
                        "source": serializers.CharField(),
                        "coverage": COVERAGE,
                        "versions": inline_serializer(
                            "PublishedVersion",
                            {
                                "version": serializers.IntegerField(),
                                "published_at": serializers.DateTimeField(),
                                "revision_note": serializers.CharField(),
                            },
                            many=True,
                        ),
                    },
                    many=True,
                )
            },
        ),
    )
    def get(self, request: Request) -> Response:
        ordered = official().select_related("campaign__framework")
        publications = list(ordered.order_by("-campaign__year", "campaign__level", "-version"))

        def build() -> dict[str, Any]:
            results = []
            for latest in latest_publications(official()):
                versions = [p for p in publications if p.campaign_id == latest.campaign_id]
                results.append({
                    "year": latest.campaign.year, "level": latest.campaign.level, "name": latest.campaign.name,
                    "framework": latest.campaign.framework.code, "version": latest.version,
                    "published_at": latest.published_at, "revision_note": latest.revision_note,
                    "source": latest.source, "coverage": latest.coverage,
                    "versions": [{"version": p.version, "published_at": p.published_at,
                                  "revision_note": p.revision_note} for p in sorted(versions, key=lambda p: p.version)],
                })  # fmt: skip
            return {"results": results}

        return self.conditional(request, publications, build)
