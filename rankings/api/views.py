"""The public results API: published snapshots only, never a campaign's working results, and official
ones only: a trial campaign's publication is for the portal's signed-in users, never for integrators,
whoever asks (`official()` is every endpoint's starting set).

Every answer is built once per publication version and served from the published-answers cache
(`rankings.caching`); it carries `Cache-Control: public`, an ETag and Last-Modified (a client sending
If-None-Match, weak ETags included, or If-Modified-Since gets 304 while nothing was republished); list
endpoints also answer `?format=csv`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import django_filters
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import api_user
from accounts.models import Organisation, Region
from common.errors import InvalidInput
from common.filters import checked, year_filter
from common.pagination import Pages
from common.spreadsheets import csv_cell
from rankings.caching import Audience, cached, lookup, not_modified, shareable, store, validate
from rankings.explore import Selection, explore
from rankings.forms import LEVELS, explore_form
from rankings.maps import feature_collection
from rankings.models import DTI, Publication, PublicationQuerySet, PublishedResult
from rankings.parameters import is_plain, year_of
from rankings.queries import TableRow, edition, latest_publications, ranking_tables, unit_profile, unit_years
from rankings.ranking import round_value
from rankings.services import robustness_of
from rankings.whatif import Outcome
from rankings.whatif_data import (
    MOST_CHANGES,
    Basis,
    leaf_what_if,
    published_what_if,
    requested_changes,
    what_if_basis,
)
from submissions.access import get_submission_for_user
from submissions.models import Campaign


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


# Formats answered whole, never in pages: a CSV download, and a map of every unit.
WHOLE_FORMATS = ("csv", "geojson")


class GeoJsonRenderer(JSONRenderer):
    """`?format=geojson` on a provincial ranking: its rows as a GeoJSON FeatureCollection (RFC 7946), each
    unit's shape with organisation_code, organisation_name, value and rank; the table's year, level,
    index, version and publication date as foreign members. An error keeps its JSON shape."""

    media_type = "application/geo+json"
    format = "geojson"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, dict) and "results" in data and "year" in data:
            members = {key: data[key] for key in ("year", "level", "index", "version", "published_at")}
            data = {**feature_collection(data["year"], data["results"]), **members}
        return super().render(data, accepted_media_type, renderer_context)


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

    def respond(
        self,
        request: Request,
        key: tuple[object, ...],
        make: Callable[[], tuple[dict[str, Any], Iterable[Publication]]],
        pick: Callable[[dict[str, Any]], tuple[dict[str, Any], bool]] = lambda body: (body, True),
        variant: object = None,
    ) -> HttpResponseBase:
        """The answer built once per publication version (`make` gives its body and the publications it
        read) and rendered once per format and `variant` (`pick` gives this variant's body from it, and
        whether to keep it: a parameter naming nothing would be one more copy to keep); 304 when the
        client's copy is current."""
        renderer = request.accepted_renderer
        # JSON and CSV are different bytes at the same address when the Accept header chooses.
        rendered_key = ("api", *key, renderer.format, variant)
        found = lookup(rendered_key)
        if found is None:
            built = cached(("api", *key), make)
            body, keep = pick(built.body)
            content = renderer.render(body, request.accepted_media_type, self.get_renderer_context())
            found = replace(built, body=content, fingerprint=repr((built.fingerprint, renderer.format)))
            if keep:
                store(rendered_key, found)
        django_request = request._request
        unchanged = not_modified(django_request, found)
        # As DRF's Response names the type of what its renderer made.
        content_type = f"{renderer.media_type}; charset={renderer.charset}" if renderer.charset else renderer.media_type
        response = unchanged if unchanged is not None else HttpResponse(found.body, content_type=content_type)
        patch_vary_headers(response, ["Accept"])
        return validate(django_request, response, found, shared=shareable(Audience.PUBLIC, found))

    def listing(self, request: Request, params: dict[str, Any]) -> tuple[str, object]:
        """The address of a paginated answer (with only `params` and the page size: the links it gives
        are the same for every request the cache answers with it) and the variant it is rendered as."""
        if request.accepted_renderer.format in WHOLE_FORMATS:  # a download or a map is the whole table, in no pages
            return "", tuple(params.items())
        query = {name: value for name, value in params.items() if value is not None}
        if "page_size" in request.query_params:
            query["page_size"] = Pages().requested_size(request)
        url = request.build_absolute_uri(request.path) + ("?" + urlencode(query) if query else "")
        return url, (url, request.query_params.get("page", ""))

    def paged(
        self, request: Request, body: dict[str, Any], rows: list[dict[str, Any]], url: str
    ) -> tuple[dict[str, Any], bool]:
        """The body with one page of `rows` (all of them for CSV and GeoJSON), and whether to keep it rendered:
        not for a page size of the client's choosing, which would fill the cache with copies."""
        if not url:
            return {**body, "results": rows}, True
        return {**body, **Pages().page_of(rows, request, url=url)}, "page_size" not in request.query_params


RESULT_FIELDS: dict[str, serializers.Field] = {
    "organisation_code": serializers.CharField(),
    "organisation_name": serializers.CharField(),
    "group": serializers.CharField(),
    "region": serializers.CharField(allow_null=True, help_text="Mã vùng; không có với bộ, ngành."),
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


FEATURE_COLLECTION = inline_serializer(
    "RankingMap",
    {
        "type": serializers.ChoiceField(choices=["FeatureCollection"]),
        "features": inline_serializer(
            "RankingFeature",
            {
                "type": serializers.ChoiceField(choices=["Feature"]),
                "geometry": serializers.JSONField(
                    allow_null=True, help_text="The unit's MultiPolygon (WGS 84), null where none is known."
                ),
                "properties": inline_serializer(
                    "RankingFeatureProperties",
                    {key: RESULT_FIELDS[key] for key in ("organisation_code", "organisation_name", "value", "rank")},
                ),
            },
            many=True,
        ),
        "year": serializers.IntegerField(),
        "level": serializers.CharField(),
        "index": serializers.CharField(),
        "version": serializers.IntegerField(),
        "published_at": serializers.DateTimeField(),
    },
)


# The levels a published answer is given for: the ranked tables, and the national DTI's one row (the
# country, with its value and no rank: one figure a year is not a ranking).
PUBLISHED_LEVELS = [(level, label) for level, label in Organisation.Level.choices if level != "authority"]


class RankingFilter(django_filters.FilterSet):
    """The ranking table asked for: a published year and level, and the rows of one group or region."""

    year = year_filter(required=True)
    level = django_filters.ChoiceFilter(choices=PUBLISHED_LEVELS, required=True)
    group = django_filters.ChoiceFilter(choices=Organisation.Group.choices)
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), to_field_name="code")

    class Meta:
        model = PublishedResult
        fields = ["year", "level", "group", "region"]


class RankingApi(PublicApi):
    """One ranking table of a published year: every unit of the group, with its value and rank, in pages
    (the CSV download is the whole table); for the national level, the country's row; a provincial
    table also as GeoJSON (`format=geojson`), each unit with its shape."""

    # The CSV's columns as they were before the region was added to the JSON rows.
    csv_fields = [name for name in RESULT_FIELDS if name != "region"]
    renderer_classes = [*PublicApi.renderer_classes, GeoJsonRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter(
                "level",
                OpenApiTypes.STR,
                required=True,
                enum=[level for level, _label in PUBLISHED_LEVELS],
                description="national: one row, the country's (organisation_code VN), its rank null.",
            ),
            OpenApiParameter(
                "group",
                OpenApiTypes.STR,
                enum=Organisation.Group.values,
                description="Chỉ các đơn vị của một nhóm xếp hạng.",
            ),
            OpenApiParameter("region", OpenApiTypes.STR, description="Chỉ các đơn vị của một vùng (mã vùng)."),
            OpenApiParameter("index", OpenApiTypes.STR, description="dti, a pillar code or a main-index code"),
            OpenApiParameter("page", OpenApiTypes.INT, description=Pages.page_query_description),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=Pages.page_size_query_description),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv", "geojson"],
                description="geojson: provinces only, a FeatureCollection of the units' shapes",
            ),
        ],
        responses={
            (200, "application/geo+json"): FEATURE_COLLECTION,
            (200, "application/json"): inline_serializer(
                "Ranking",
                {
                    "year": serializers.IntegerField(),
                    "level": serializers.CharField(),
                    "index": serializers.CharField(),
                    "published_at": serializers.DateTimeField(),
                    "version": serializers.IntegerField(),
                    "coverage": COVERAGE,
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": inline_serializer("RankingRow", RESULT_FIELDS, many=True),
                },
            ),
            404: OpenApiResponse(description="Nothing published for that year and level, or no such index."),
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        params = checked(RankingFilter(request.query_params, queryset=PublishedResult.objects.none()))
        year, level = params["year"], params["level"]
        index = _plain(request, "index") or DTI
        group = params["group"] or None
        region: Region | None = params["region"]
        url, variant = self.listing(
            request,
            {
                "year": year,
                "level": level,
                "index": request.query_params.get("index"),
                "group": group,
                "region": region.code if region else None,
            },
        )
        if request.accepted_renderer.format == GeoJsonRenderer.format and level != "province":
            raise ValidationError(
                {"format": _("Chỉ bảng xếp hạng cấp tỉnh có bản đồ: bộ, ngành không phải là địa danh.")}
            )

        def one_part(body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
            rows = [row for row in body["results"] if (group is None or row["group"] == group)
                    and (region is None or row["region"] == region.code)]  # fmt: skip
            return self.paged(request, body, rows, url)

        # Every table is built once, then each group, region and page asked for is picked from it.
        return self.respond(request, ("rankings", year, level, index), lambda: _ranking(year, level, index),
                            one_part, variant)  # fmt: skip


def _ranking(year: int, level: str, index: str) -> tuple[dict[str, Any], list[Publication]]:
    found = edition(official(), year, level)
    if found is None:
        raise NotFound(f"Chưa công bố kết quả DTI {year} cấp {level}.")
    publication = found.publication
    table = ranking_tables([(publication, found.previous)], index)[0]
    if not table:
        raise NotFound(f"Không có chỉ số “{index}” trong kết quả đã công bố.")
    precision = publication.campaign.framework.precision
    body = {"year": year, "level": level, "index": index, "published_at": publication.published_at,
            "version": publication.version, "coverage": publication.coverage,
            "results": [_row(row, precision) for row in table]}  # fmt: skip
    return body, found.publications


def _row(row: TableRow, precision: int) -> dict[str, Any]:
    return {
        "organisation_code": row.organisation.code,
        "organisation_name": row.name,
        "group": row.group,
        "region": row.organisation.region.code if row.organisation.region else None,
        "value": _number(row.value, precision),
        "computed_value": _number(row.computed_value, precision),
        "rank": row.rank,
        "score": _number(row.score),
        "max_points": _number(row.max_points),
        "rank_change": row.rank_change,
        "value_change": _number(row.value_change, precision),
        "previous_derived": bool(row.previous and row.previous.derived),
    }


ROBUSTNESS_ROW_FIELDS: dict[str, serializers.Field] = {
    "organisation_code": serializers.CharField(),
    "organisation_name": serializers.CharField(),
    "group": serializers.CharField(),
    "rank": serializers.IntegerField(help_text="The official rank, as the ranking table gives it."),
    "median_rank": serializers.IntegerField(help_text="The median rank over every alternative scenario."),
    "rank_p05": serializers.IntegerField(help_text="The rank reached or beaten in 5 % of the scenarios."),
    "rank_p95": serializers.IntegerField(help_text="The rank reached or beaten in 95 % of the scenarios."),
}

ROBUSTNESS_METHOD = inline_serializer(
    "RobustnessMethod",
    {
        "draws": serializers.IntegerField(help_text="Weight sets drawn around the official weights."),
        "spread": serializers.FloatField(help_text="Each weight is multiplied by a factor in [1-spread, 1+spread]."),
        "seed": serializers.IntegerField(help_text="The seed of numpy's PCG64 generator the draws came from."),
        "alternatives": inline_serializer(
            "RobustnessAlternative",
            {
                "code": serializers.ChoiceField(choices=["weights_drawn", "equal_weights", "geometric_mean"]),
                "scenarios": serializers.IntegerField(),
                "floor": serializers.FloatField(
                    required=False, help_text="Geometric mean only: a value below it counts as this value."
                ),
            },
            many=True,
        ),
        "scenarios": serializers.IntegerField(help_text="All scenarios pooled: the draws and the two alternatives."),
        "percentiles": serializers.ListField(child=serializers.IntegerField()),
        "percentile_method": serializers.CharField(help_text="numpy's percentile method: ranks some scenario gave."),
        "places": serializers.IntegerField(
            help_text="Each scenario ranks its index rounded half up at this many decimals."
        ),
    },
)


class RobustnessApi(PublicApi):
    """How robust each rank of a published DTI table is: each unit's official rank, and its median rank and
    5–95 % band when the table is ranked again under the alternatives the method leaves open (main-index
    weights drawn around the official ones, equal weights, a geometric mean)."""

    csv_fields = list(ROBUSTNESS_ROW_FIELDS)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("level", OpenApiTypes.STR, required=True, enum=["province", "ministry"]),
            OpenApiParameter("group", OpenApiTypes.STR),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        ],
        responses={
            200: inline_serializer(
                "Robustness",
                {
                    "year": serializers.IntegerField(),
                    "level": serializers.CharField(),
                    "version": serializers.IntegerField(),
                    "published_at": serializers.DateTimeField(),
                    "coverage": COVERAGE,
                    "method": ROBUSTNESS_METHOD,
                    "results": inline_serializer("RobustnessRow", ROBUSTNESS_ROW_FIELDS, many=True),
                },
            ),
            404: OpenApiResponse(
                description="Nothing published for that year and level, or its bands are still being computed."
            ),
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        year = _year(request)
        assert year is not None
        level = request.query_params.get("level", "")
        if level not in ("province", "ministry"):
            raise ValidationError({"level": "Cấp phải là province hoặc ministry."})
        group = _plain(request, "group") or None

        def one_group(body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
            rows = [row for row in body["results"] if group is None or row["group"] == group]
            return {**body, "results": rows}, group is None or bool(rows)

        return self.respond(request, ("robustness", year, level), lambda: _robustness(year, level), one_group, group)


def _robustness(year: int, level: str) -> tuple[dict[str, Any], list[Publication]]:
    found = edition(official(), year, level)
    if found is None:
        raise NotFound(f"Chưa công bố kết quả DTI {year} cấp {level}.")
    publication = found.publication
    result = robustness_of(publication)
    if result is None:
        raise NotFound(f"Khoảng hạng của DTI {year} cấp {level} đang được tính; hãy thử lại sau ít phút.")
    # The rows are stored in the tables' order: groups as the report gives them, then by rank.
    codes = [row["organisation_code"] for row in result.rows]
    names = {unit.code: unit.short_name_in(year) for unit in Organisation.objects.filter(code__in=codes)}
    results = [{**row, "organisation_name": names.get(row["organisation_code"], "")} for row in result.rows]
    body = {"year": year, "level": level, "version": publication.version, "published_at": publication.published_at,
            "coverage": publication.coverage, "method": result.method, "results": results}  # fmt: skip
    return body, [publication]


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
    def get(self, request: Request, code: str) -> HttpResponseBase:
        if not is_plain(code):
            raise NotFound("Không có đơn vị này.")
        year = _year(request, required=False)
        return self.respond(request, ("organisation", code, year), lambda: _organisation_results(code, year))


def _organisation_results(code: str, year: int | None) -> tuple[dict[str, Any], list[Publication]]:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise NotFound("Không có đơn vị này.")
    years = unit_years(organisation, official())
    publication = next((p for p in years.publications if year in (None, p.campaign.year)), None)
    if publication is None:
        raise NotFound(f"Chưa có kết quả công bố của {organisation.short_name}" + (f" năm {year}." if year else "."))
    precision = publication.campaign.framework.precision
    rows = unit_profile(publication, organisation)
    body = {
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
             "rank": row.rank, "group_size": row.group_size, "group_average": _number(row.group_average, precision),
             "score": _number(row.score), "max_points": _number(row.max_points)}
            for row in rows
        ],
    }  # fmt: skip
    return body, [publication]


class CampaignFilter(django_filters.FilterSet):
    """The published campaigns asked for: of one year, level or campaign state."""

    year = year_filter()
    level = django_filters.ChoiceFilter(choices=PUBLISHED_LEVELS)
    state = django_filters.ChoiceFilter(choices=Campaign.State.choices)

    class Meta:
        model = Campaign
        fields = ["year", "level", "state"]


class CampaignListApi(PublicApi):
    """Every published year and level, with its versions and their revision notes, in pages (the CSV
    download is the whole list)."""

    csv_fields = ["year", "level", "name", "framework", "version", "published_at", "revision_note", "source",
                  "versions", "coverage"]  # fmt: skip

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="Chỉ các đợt của một năm đánh giá."),
            OpenApiParameter("level", OpenApiTypes.STR, enum=["province", "ministry"]),
            OpenApiParameter(
                "state", OpenApiTypes.STR, enum=Campaign.State.values, description="Trạng thái của đợt đánh giá."
            ),
            OpenApiParameter("page", OpenApiTypes.INT, description=Pages.page_query_description),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=Pages.page_size_query_description),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        ],
        responses=inline_serializer(
            "PublishedCampaigns",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": inline_serializer(
                    "PublishedCampaign",
                    {
                        "year": serializers.IntegerField(),
                        "level": serializers.CharField(),
                        "state": serializers.ChoiceField(choices=Campaign.State.choices),
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
                ),
            },
        ),
    )
    def get(self, request: Request) -> HttpResponseBase:
        params = checked(CampaignFilter(request.query_params, queryset=Campaign.objects.none()))
        wanted = {name: params[name] or None for name in ("year", "level", "state")}
        url, variant = self.listing(request, wanted)

        def some(body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
            rows = [row for row in body["results"]
                    if all(value is None or row[name] == value for name, value in wanted.items())]  # fmt: skip
            return self.paged(request, body, rows, url)

        return self.respond(request, ("campaigns",), _campaigns, some, variant)


def _campaigns() -> tuple[dict[str, Any], list[Publication]]:
    ordered = official().select_related("campaign__framework")
    publications = list(ordered.order_by("-campaign__year", "campaign__level", "-version"))
    results = []
    for latest in latest_publications(official()):
        versions = [p for p in publications if p.campaign_id == latest.campaign_id]
        results.append({
            "year": latest.campaign.year, "level": latest.campaign.level, "state": latest.campaign.state,
            "name": latest.campaign.name, "framework": latest.campaign.framework.code, "version": latest.version,
            "published_at": latest.published_at, "revision_note": latest.revision_note,
            "source": latest.source, "coverage": latest.coverage,
            "versions": [{"version": p.version, "published_at": p.published_at,
                          "revision_note": p.revision_note} for p in sorted(versions, key=lambda p: p.version)],
        })  # fmt: skip
    return {"results": results}, publications


EXPLORE_FIELDS: dict[str, serializers.Field] = {
    "organisation_code": serializers.CharField(),
    "organisation_name": serializers.CharField(help_text="The unit's name in that year."),
    "group": serializers.CharField(help_text="The peer group its rank was given in."),
    "year": serializers.IntegerField(),
    "value": serializers.FloatField(allow_null=True),
    "rank": serializers.IntegerField(allow_null=True, help_text="Within its group; none for a derived figure."),
    "derived": serializers.BooleanField(
        help_text="A unit formed by merging, before it existed: derived from the mean of its predecessors' "
        "main-index values, as the ranking tables' change since the previous year is."
    ),
}


class ExploreApi(PublicApi):
    """The data explorer's selection (`/results/explore/`, same parameters): one index of chosen units over
    the published years of a level, one row per unit and year."""

    csv_fields = list(EXPLORE_FIELDS)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "level", OpenApiTypes.STR, enum=["province", "ministry"], description="The level; province when absent."
            ),
            OpenApiParameter(
                "index",
                OpenApiTypes.STR,
                description="dti (when absent), a pillar code, a main-index or a component key.",
            ),
            OpenApiParameter("units", OpenApiTypes.STR, many=True, description="Organisation codes, repeated."),
            OpenApiParameter("group", OpenApiTypes.STR, description="Every unit published in this peer group."),
            OpenApiParameter("region", OpenApiTypes.STR, description="Every province of this region (its code)."),
            OpenApiParameter(
                "years",
                OpenApiTypes.INT,
                many=True,
                description="Published years, repeated; every published year when absent.",
            ),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        ],
        responses={
            200: inline_serializer(
                "Explore",
                {
                    "level": serializers.CharField(),
                    "index": serializers.CharField(),
                    "index_label": serializers.CharField(),
                    "years": serializers.ListField(child=serializers.IntegerField()),
                    "publications": inline_serializer(
                        "ExplorePublication",
                        {
                            "year": serializers.IntegerField(),
                            "version": serializers.IntegerField(),
                            "published_at": serializers.DateTimeField(),
                            "coverage": COVERAGE,
                        },
                        many=True,
                    ),
                    "results": inline_serializer("ExploreRow", EXPLORE_FIELDS, many=True),
                },
            ),
            404: OpenApiResponse(description="Nothing is published at that level yet."),
        },
        description="Units: those named, and every unit published in the group or of the region in the years "
        "asked; when none of these is given, every unit published in those years. A parameter naming nothing "
        "published is refused (400) with a message by field.",
    )
    def get(self, request: Request) -> HttpResponseBase:
        data = request.query_params.copy()
        data.pop("year", None)  # the page's bar-chart year: no part of the data
        form = explore_form(data)
        errors = form.errors
        if "level" not in errors and not form.catalogue.publications:
            level = str(dict(LEVELS)[form.catalogue.level]).lower()
            raise NotFound(_("Chưa công bố kết quả DTI nào cấp %(level)s.") % {"level": level})
        if errors:
            raise InvalidInput(
                {name: " ".join(str(message) for message in messages) for name, messages in errors.items()}
            )
        selection = form.selection()
        return self.respond(request, ("explore", *selection.key()), lambda: _explored(selection))


def _explored(selection: Selection) -> tuple[dict[str, Any], list[Publication]]:
    explored = explore(selection)
    body = {
        "level": selection.level,
        "index": selection.index,
        "index_label": explored.index.label,
        "years": explored.years,
        "publications": [{"year": p.campaign.year, "version": p.version, "published_at": p.published_at,
                          "coverage": p.coverage} for p in explored.publications],
        "results": [
            {"organisation_code": row.organisation_code, "organisation_name": row.organisation_name,
             "group": row.group, "year": row.year, "value": _number(row.value), "rank": row.rank,
             "derived": row.derived}
            for row in explored.rows()
        ],
    }  # fmt: skip
    return body, explored.catalogue.publications


# --- What if: a unit's DTI and ranks with some of its figures changed ------------------------------

SET_DESCRIPTION = (
    "The changes, `<index>:<value>` separated by commas (or the parameter repeated), at most "
    f"{MOST_CHANGES}. A comma not followed by an index and a colon is a decimal comma: 5:0,85,3:0.9 is "
    "5 → 0,85 and 3 → 0,9."
)
WHAT_IF_STANDING = inline_serializer(
    "WhatIfStanding",
    {"value": serializers.FloatField(allow_null=True), "rank": serializers.IntegerField(allow_null=True)},
)
WHAT_IF_PILLAR = inline_serializer(
    "WhatIfPillar",
    {
        "index": serializers.CharField(),
        "name": serializers.CharField(),
        "before": serializers.FloatField(allow_null=True),
        "after": serializers.FloatField(allow_null=True),
        "rank_before": serializers.IntegerField(allow_null=True),
        "rank_after": serializers.IntegerField(allow_null=True),
    },
    many=True,
)
WHAT_IF_FIELDS: dict[str, serializers.Field] = {
    "before": WHAT_IF_STANDING,
    "after": WHAT_IF_STANDING,
    "pillars": WHAT_IF_PILLAR,
    "group": serializers.CharField(),
    "group_size": serializers.IntegerField(),
}


class OrganisationWhatIfApi(PublicApi):
    """What a unit's DTI, pillars and ranks would be with some of its main indices at other values, every
    other unit of its peer group at its published figures; and, for each main index, the smallest value
    that alone would rank it better."""

    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="The newest published year of the level if absent."),
            OpenApiParameter(
                "level", OpenApiTypes.STR, enum=["province", "ministry"], description="The unit's own level if absent."
            ),
            OpenApiParameter(
                "set",
                OpenApiTypes.STR,
                many=True,
                description=SET_DESCRIPTION + " An index is a main index's key; a value is 0–1.",
            ),
        ],
        responses={
            200: inline_serializer(
                "WhatIf",
                {
                    "organisation_code": serializers.CharField(),
                    "organisation_name": serializers.CharField(),
                    "year": serializers.IntegerField(),
                    "level": serializers.CharField(),
                    **WHAT_IF_FIELDS,
                    "changes": inline_serializer(
                        "WhatIfChange",
                        {
                            "index": serializers.CharField(),
                            "name": serializers.CharField(),
                            "before": serializers.FloatField(allow_null=True),
                            "after": serializers.FloatField(allow_null=True),
                        },
                        many=True,
                    ),
                    "offset": serializers.FloatField(
                        allow_null=True,
                        help_text="Where the published DTI is not what the unit's published main indices give "
                        "(beyond rounding): the gap, which the after-DTI keeps (the published DTI moved by what "
                        "the changes add). Null elsewhere: the after-DTI is computed from the main indices.",
                    ),
                    "rank_up": inline_serializer(
                        "WhatIfRankUp",
                        {
                            "index": serializers.CharField(),
                            "name": serializers.CharField(),
                            "value": serializers.FloatField(),
                            "needed": serializers.FloatField(
                                allow_null=True,
                                help_text="The smallest value (in steps of 0.0001) of this index alone, the rest "
                                "as published, that ranks the unit better; null where 1 is not enough or the "
                                "unit is first.",
                            ),
                        },
                        many=True,
                    ),
                    "publication": inline_serializer(
                        "WhatIfPublication",
                        {"version": serializers.IntegerField(), "published_at": serializers.DateTimeField()},
                    ),
                },
            ),
            404: OpenApiResponse(
                description="No such unit, nothing published for the year and level, or the unit is not in its table."
            ),
        },
    )
    def get(self, request: Request, code: str) -> HttpResponseBase:
        if not is_plain(code):
            raise NotFound("Không có đơn vị này.")
        year = _year(request, required=False)
        level = _plain(request, "level") or None
        changes = requested_changes(request.query_params.getlist("set"))

        def make() -> tuple[dict[str, Any], list[Publication]]:
            organisation = Organisation.objects.filter(code=code).first()
            if organisation is None:
                raise NotFound("Không có đơn vị này.")
            basis = what_if_basis(organisation=organisation, among=official(), year=year, level=level)
            return {"basis": basis}, [basis.publication]

        def answer(built: dict[str, Any]) -> tuple[dict[str, Any], bool]:
            basis: Basis = built["basis"]
            body = _published_what_if(basis, published_what_if(basis=basis, changes=changes))
            # Only the answer with no change is kept rendered: each set of changes would be another copy.
            return body, not changes

        return self.respond(request, ("what-if", code, year, level), make, answer)


def _published_what_if(basis: Basis, outcome: Outcome) -> dict[str, Any]:
    publication, places = basis.publication, outcome.places
    return {
        "organisation_code": basis.code,
        "organisation_name": basis.unit_name,
        "year": publication.campaign.year,
        "level": publication.campaign.level,
        **_outcome(outcome),
        "changes": [
            {
                "index": change.index,
                "name": change.name,
                "before": _number(change.before, places),
                "after": _number(change.after, places),
            }
            for change in outcome.changes
        ],
        "offset": _number(outcome.offset, places),
        "rank_up": [
            {
                "index": item.index,
                "name": item.name,
                "value": _number(item.value, places),
                "needed": _number(item.needed, places),
            }
            for item in basis.rank_up
        ],
        "publication": {"version": publication.version, "published_at": publication.published_at},
    }


def _outcome(outcome: Outcome) -> dict[str, Any]:
    """What both what-ifs answer alike: the DTI before and after, each pillar, the group."""
    places = outcome.places
    return {
        "before": {"value": _number(outcome.before.value, places), "rank": outcome.before.rank},
        "after": {"value": _number(outcome.after.value, places), "rank": outcome.after.rank},
        "pillars": [
            {
                "index": pillar.index,
                "name": pillar.name,
                "before": _number(pillar.before, places),
                "after": _number(pillar.after, places),
                "rank_before": pillar.rank_before,
                "rank_after": pillar.rank_after,
            }
            for pillar in outcome.pillars
        ],
        "group": outcome.group,
        "group_size": outcome.group_size,
    }


class SubmissionWhatIfApi(APIView):
    """What the unit's final DTI, pillars and ranks would be with some of its final answers replaced,
    recomputed as the campaign's scoring computes them; the other units of its peer group at their final
    results. For the unit's own people and the authority, once the result is finalised."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "set",
                OpenApiTypes.STR,
                many=True,
                description=SET_DESCRIPTION + " An index is a leaf's key; a value is the answer as data entry takes "
                "it: a number, `<numerator>/<denominator>` for a ratio, a level's key (1, 2, …) or label, 1 or 0 "
                "for yes or no.",
            ),
        ],
        responses={
            200: inline_serializer(
                "LeafWhatIf",
                {
                    "submission": serializers.IntegerField(),
                    "organisation_code": serializers.CharField(),
                    "year": serializers.IntegerField(),
                    "level": serializers.CharField(),
                    **WHAT_IF_FIELDS,
                    "changes": inline_serializer(
                        "LeafWhatIfChange",
                        {
                            "index": serializers.CharField(),
                            "name": serializers.CharField(),
                            "before": serializers.FloatField(allow_null=True, help_text="The leaf's value (0–1)."),
                            "after": serializers.FloatField(allow_null=True),
                            "answer_before": serializers.CharField(help_text="The final answer, as the unit reads it."),
                            "answer_after": serializers.CharField(),
                        },
                        many=True,
                    ),
                },
            ),
            409: OpenApiResponse(description="The result is not finalised yet: `code` is `not_final`."),
        },
    )
    def get(self, request: Request, submission_id: int) -> Response:
        submission = get_submission_for_user(api_user(request), submission_id)
        changes = requested_changes(request.query_params.getlist("set"))
        outcome = leaf_what_if(submission=submission, changes=changes)
        places = outcome.places
        return Response({
            "submission": submission.pk,
            "organisation_code": submission.organisation.code,
            "year": submission.campaign.year,
            "level": submission.campaign.level,
            **_outcome(outcome),
            "changes": [{"index": change.index, "name": change.name, "before": _number(change.before, places),
                         "after": _number(change.after, places), "answer_before": change.answer_before,
                         "answer_after": change.answer_after} for change in outcome.changes],
        })  # fmt: skip
