"""The public portal: home, ranking tables, unit profiles, comparison and the method — published
snapshots only. Each view parses input, runs one query and renders.

The home page, the ranking tables and the profiles are built once per publication version, audience and
language (`rankings.caching`): the view reads the page's main content from the cache and renders only
the frame around it (the header with the reader's name, the language switch, messages) per request. The
public's frame holds nothing of its reader, so for an anonymous reader with no message waiting the whole
page is kept, per address and language, and served as it is."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organisation, Region
from accounts.names import search_form, vietnamese_sort_key
from common.errors import InvalidInput, Rejected
from common.formatting import format_number
from common.http import HtmxRequest
from scoring.robustness import DRAWS, GEOMETRIC_FLOOR, SPREAD

from .caching import Answer, Audience, build, cached, lookup, not_modified, shareable, store, validate
from .explore import Explored, Selection, UnitChoice
from .explore import explore as explore_selection
from .exports import explore_csv, explore_workbook, ranking_csv, ranking_workbook, scorecard_pdf
from .forms import LEVELS as EXPLORE_LEVELS
from .forms import PARAMETERS as EXPLORE_PARAMETERS
from .forms import ExploreForm, explore_form
from .maps import Choropleth, Figure, choropleth
from .models import (
    DTI,
    PrintedFigure,
    Publication,
    PublicationQuerySet,
    RankBand,
    ReportExport,
    RobustnessResult,
    SocialPreview,
)
from .parameters import is_plain, version_of, year_of
from .queries import (
    RANKED_LEVELS,
    Edition,
    TableRow,
    UnitYears,
    by_group,
    edition,
    group_position,
    headline,
    indices_of,
    latest_publications,
    national_edition,
    national_overview,
    previous_among,
    publication_for,
    ranking_table,
    ranking_tables,
    strengths_and_weaknesses,
    summarise,
    unit_profile,
    unit_years,
)
from .services import request_national_report, robustness_of
from .whatif_data import Basis, ChangesInvalid, Requested, published_what_if, requested_changes, what_if_basis

LEVELS = {"province": gettext_lazy("cấp tỉnh"), "ministry": gettext_lazy("cấp bộ, ngành")}
# What a level's ranked units are called in a count ("63 tỉnh, thành phố").
UNITS = {"province": gettext_lazy("tỉnh, thành phố"), "ministry": gettext_lazy("bộ, ngành")}


def _visible(request: HttpRequest) -> PublicationQuerySet:
    """The publications this reader may see: the official ones, and the trials too when signed in."""
    return Publication.objects.visible_to(request.user)


def _version(request: HttpRequest) -> int | None:
    """The `version` a results URL asks for, None for the newest; 404 when it names none."""
    text = request.GET.get("version", "")
    version = version_of(text)
    if text and version is None:
        raise Http404("No such version")
    return version


def _publication(year: int, level: str, request: HttpRequest) -> Publication:
    """The publication a results URL names, among those the reader may see: its newest version, or the
    `version` asked for; 404 otherwise (a trial's pages do not exist for an anonymous visitor)."""
    if level not in LEVELS or year_of(year) is None:
        raise Http404("No such level or year")
    publication = publication_for(_visible(request), year, level, _version(request))
    if publication is None:
        raise Http404("Not published")
    return publication


def _private(response: HttpResponse, *publications: Publication | None) -> HttpResponse:
    """A page showing a trial is for its signed-in reader only: no shared cache keeps it."""
    if any(publication is not None and publication.is_trial for publication in publications):
        patch_cache_control(response, private=True)
    return response


@dataclass(frozen=True)
class Page:
    """A page's main content as rendered once (in one language, for one audience), and the few values
    its title needs."""

    content: str
    title: dict[str, Any]


def _share(title: str, description: str, publication: Publication | None = None) -> dict[str, Any]:
    """What a shared link of the page shows (its Open Graph and Twitter card tags, `rankings/_share.html`):
    the page's title and description, and the preview image of `publication`'s table once it is built (the
    portal's default image until then). Built with the page, so it changes with what the page shows."""
    image = static("img/og-default.png")
    if publication is not None and publication.pk in _previewed():
        campaign = publication.campaign
        # The version in the address: a correction is another picture, which no reader's copy stands for.
        image = f"{reverse('rankings:preview', args=[campaign.year, campaign.level])}?version={publication.version}"
    return {"share": {"title": title, "description": description, "image": image}}


def _previewed() -> frozenset[int]:
    """The publications whose preview image is built: one query per cache generation for every page (an
    image's arrival starts a new one)."""
    found = cached(
        ("previewed",), lambda: (frozenset(SocialPreview.objects.values_list("publication_id", flat=True)), [])
    )
    built: frozenset[int] = found.body
    return built


def _leaders(groups: list[tuple[str, list[TableRow]]], places: int) -> str:
    """Who leads: "Đà Nẵng dẫn đầu với 0,6419", or the leader of each group when there are several."""
    firsts = [(name, next(row for row in sorted(rows, key=SORTS["rank"]) if row.value is not None))
              for name, rows in groups if any(row.value is not None for row in rows)]  # fmt: skip
    if len(firsts) == 1:
        row = firsts[0][1]
        return _("%(name)s dẫn đầu với %(value)s") % {"name": row.name, "value": format_number(row.value, places)}
    return _("dẫn đầu: %(leaders)s") % {
        "leaders": "; ".join(f"{row.name} ({format_number(row.value, places)})" for _name, row in firsts)
    }


def _whole_page(request: HttpRequest, audience: Audience, *parameters: str) -> tuple[object, ...] | None:
    """The key the public's whole page at this address is kept under, frame included: every anonymous
    reader gets the same bytes there. None when the page is rendered around its content instead: for a
    signed-in reader, a reader with a message waiting (the frame shows it), or an address with other
    parameters than `parameters` (each would be another page to keep)."""
    if audience is not Audience.PUBLIC or len(get_messages(request)) > 0 or not set(request.GET) <= set(parameters):
        return None
    return ("page", get_language(), request.get_full_path())


def _kept(request: HttpRequest, whole: tuple[object, ...] | None) -> HttpResponseBase | None:
    """The public's whole page kept under `whole`, or 304 when the reader's copy is current; None when absent."""
    found = lookup(whole) if whole is not None else None
    if found is None:
        return None
    unchanged = not_modified(request, found)
    return validate(request, unchanged if unchanged is not None else HttpResponse(found.body), found, shared=True)


def _respond(
    request: HttpRequest, audience: Audience, found: Answer, template: str, whole: tuple[object, ...] | None
) -> HttpResponseBase:
    """The page around its cached content, or 304 when the reader's copy is current; kept whole under
    `whole` when given. Public (a proxy may keep it) only when every reader would get the same bytes;
    private otherwise."""
    # A message waiting for this reader (after logging out, say) is shown in the frame: theirs only.
    shared = shareable(audience, found) and len(get_messages(request)) == 0
    if shared and (unchanged := not_modified(request, found)) is not None:
        return validate(request, unchanged, found, shared=True)
    page: Page = found.body
    # The content was rendered, escaped, by the portal's own template.
    context: dict[str, Any] = {**page.title, "content": mark_safe(page.content)}  # noqa: S308
    if shared:
        # The same page for every reader, so no per-visitor CSRF token: the frame's only form for the
        # public, the language switch, takes none (dti_portal.urls).
        context["csrf_token"] = "NOTPROVIDED"  # noqa: S105 - the csrf_token tag's "no token", not a secret
    response = render(request, template, context)
    if shared and whole is not None:
        store(whole, replace(found, body=response.content.decode()))
    return validate(request, response, found, shared=shared)


def _chart_rows(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"label": row.name, "value": float(row.value)} for row in rows if row.value is not None]


@require_GET
def home(request: HttpRequest) -> HttpResponseBase:
    """The latest published year, provinces first: per peer group its average and change, top 10 and
    most improved, the distribution of its values; links. The headline is the newest official year (a
    trial's only while nothing official is published); a signed-in user's trials are listed below it."""
    audience = Audience.of(request.user)
    whole = _whole_page(request, audience)
    if (kept := _kept(request, whole)) is not None:
        return kept
    found = cached(("home", audience, get_language()), lambda: _home(audience))
    return _respond(request, audience, found, "rankings/home.html", whole)


def _home(audience: Audience) -> tuple[Page, list[Publication]]:
    latest = latest_publications(audience.publications())
    # The ranking tables; the national DTI, one figure a year, has a block of its own.
    publications = [p for p in latest if p.campaign.level in RANKED_LEVELS]
    first = headline(publications)
    latest_year = first.campaign.year if first else None
    shown = [p for p in publications
             if first is not None and (p.campaign.year, p.is_trial) == (latest_year, first.is_trial)]  # fmt: skip
    editions = [(publication, previous_among(publications, publication)) for publication in shown]
    levels = []
    for publication, table in zip(shown, ranking_tables(editions), strict=True):
        precision = publication.campaign.framework.precision
        groups = [
            {"summary": summarise(rows, precision)[0], "chart_id": f"chart-{publication.campaign.level}-{group}",
             "distribution": _distribution([row.value for row in rows if row.value is not None])}
            for group, rows in by_group(table)
        ]  # fmt: skip
        caption = _("Bản đồ DTI %(year)s") % {"year": publication.campaign.year}
        shown_map = _map(publication, table, caption, dom_id=f"map-{publication.campaign.level}")
        levels.append({"publication": publication, "groups": groups, "map": shown_map})
    years = sorted({p.campaign.year for p in publications}, reverse=True)
    national = national_overview(audience.publications(), latest)
    context = {"levels": levels, "latest_year": latest_year, "years": years, "publications": publications,
               "signed_in": audience is Audience.SIGNED_IN, "national": national,
               "national_years": {point.year for point in national.published}}  # fmt: skip
    provincial = next((p for p in shown if p.campaign.level == Organisation.Level.PROVINCE), first)
    if first is not None:
        description = _(
            "Kết quả đánh giá chỉ số chuyển đổi số (DTI) năm %(year)s của các tỉnh, thành phố và các bộ, ngành: "
            "bảng xếp hạng, bản đồ, hồ sơ từng đơn vị và DTI quốc gia."
        ) % {"year": latest_year}
    else:
        description = _("Kết quả đánh giá chỉ số chuyển đổi số (DTI) của các tỉnh, thành phố và các bộ, ngành.")
    share = _share(_("Chỉ số chuyển đổi số DTI"), description, provincial)
    return Page(render_to_string("rankings/_home.html", context), share), [*publications, *national.read]


def _map(
    publication: Publication, table: list[TableRow], caption: str, *, dom_id: str, current: str | None = None
) -> Choropleth | None:
    """The map of a provincial table (ministries are not places: none for them), `current` highlighted."""
    if publication.campaign.level != Organisation.Level.PROVINCE:
        return None
    return choropleth(dom_id=dom_id, caption=caption, year=publication.campaign.year,
                      figures=[Figure(row.organisation.code, row.name, row.value, row.rank) for row in table],
                      places=publication.campaign.framework.precision, current=current)  # fmt: skip


def _distribution(values: list[Decimal]) -> dict[str, Any]:
    """Counts per band of 0,1 — the histogram of the home page."""
    bands = [0] * 10
    for value in values:
        bands[min(int(value * 10), 9)] += 1
    return {"labels": [f"{tenth / 10:.1f}–{(tenth + 1) / 10:.1f}".replace(".", ",") for tenth in range(10)],
            "values": bands}  # fmt: skip


SORTS = {
    "rank": lambda row: (row.rank is None, row.rank or 0),
    "name": lambda row: vietnamese_sort_key(row.name),
    "change": lambda row: (row.value_change is None, -(row.value_change or 0)),
}


@dataclass(frozen=True)
class RankingData:
    """What the ranking pages of one index show whatever their filters, sort and language."""

    edition: Edition
    index: str
    indices: list[tuple[str, str]]
    table: list[TableRow]
    # The DTI table's rank bands by organisation code (none for another index, or while being computed).
    robustness: RobustnessResult | None = None

    @property
    def regions(self) -> list[Region]:
        """The regions of the table's units, in their order: what the region filter offers."""
        found = {row.organisation.region.pk: row.organisation.region for row in self.table if row.organisation.region}
        return sorted(found.values(), key=lambda region: (region.order, region.code))


def _ranking_data(
    audience: Audience, year: int, level: str, version: int | None, index: str
) -> tuple[RankingData, list[Publication]]:
    if level not in LEVELS or year_of(year) is None:
        raise Http404("No such level or year")
    found = edition(audience.publications(), year, level, version, with_national=True)
    if found is None:
        raise Http404("Not published")
    indices = indices_of(found.publication)
    if index not in dict(indices):
        raise Http404("No such index")
    table = ranking_tables([(found.publication, found.previous)], index)[0]
    analysis = robustness_of(found.publication) if index == DTI else None
    return RankingData(found, index, indices, table, analysis), found.publications


@require_GET
def ranking(request: HttpRequest, year: int, level: str) -> HttpResponseBase:
    """The ranking tables of a published year, one per peer group (each its own ranks and average):
    switch index, filter by group and region, search, sort; a chart per group; downloads."""
    output = request.GET.get("format")
    if output in ("xlsx", "csv"):
        return _ranking_download(request, year, level, output)
    audience = Audience.of(request.user)
    version = _version(request)
    index = request.GET.get("index") or DTI
    group = request.GET.get("group") or None
    region, query = request.GET.get("region", ""), request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "rank")
    sort = sort if sort in SORTS else "rank"
    key = ("ranking", audience, get_language(), year, level, version, index, group, region, query, sort)
    # A search is rendered each time from the cached table: storing every text typed would fill the cache.
    whole = _whole_page(request, audience, "version", "index", "group", "region", "q", "sort") if not query else None
    if (kept := _kept(request, whole)) is not None:
        return kept
    found = lookup(key) if not query else None
    if found is None:
        tables = cached(
            ("ranking-data", audience, year, level, version, index),
            lambda: _ranking_data(audience, year, level, version, index),
        )
        data: RankingData = tables.body
        if group is not None and group not in {row.group for row in data.table}:
            raise Http404("No such group")
        found = build(key, lambda: (_ranking_page(data, year, level, group, region, query, sort),
                                    data.edition.publications), within=tables)  # fmt: skip
        if not query and (not region or region in {item.code for item in data.regions}):
            store(key, found)
        else:
            whole = None
    return _respond(request, audience, found, "rankings/ranking.html", whole)


def _ranking_page(
    data: RankingData, year: int, level: str, group: str | None, region: str, query: str, sort: str
) -> Page:
    publication, index, indices = data.edition.publication, data.index, dict(data.indices)
    labels = dict(Organisation.Group.choices)
    precision = publication.campaign.framework.precision
    groups = by_group(data.table)
    bands = data.robustness.bands() if data.robustness else {}
    tables = []
    for name, rows in groups:
        if group is not None and name != group:
            continue
        shown = rows
        if region:
            shown = [row for row in shown if row.organisation.region and row.organisation.region.code == region]
        if query:
            wanted = search_form(query)
            shown = [row for row in shown if any(wanted in search_form(n) for n in row.organisation.all_names())]
        shown = sorted(shown, key=SORTS[sort])
        by_rank = sorted(shown, key=SORTS["rank"])
        tables.append({
            "group": name, "label": labels.get(name, name), "chart_id": f"ranking-chart-{name}",
            "rows": [(row, bands.get(row.organisation.code)) for row in shown],
            "chart": _chart_rows(by_rank),
            "bands": [(row, bands[row.organisation.code]) for row in by_rank if row.organisation.code in bands],
            "bands_id": f"bands-chart-{name}",
            "bands_chart": _bands_chart([(row.name, bands.get(row.organisation.code)) for row in by_rank], len(rows)),
            # The group's own average and counts, over the whole group: shown only while nothing is filtered out.
            "summary": summarise(rows, precision)[0] if not (region or query) else None,
        })  # fmt: skip
    title = {
        "year": year,
        "level_label": str(LEVELS[level]),
        "title_index": "" if index == DTI else indices[index],
    }
    ranked = [row for row in data.table if row.rank is not None]
    named = indices[index] if index != DTI else "DTI"
    description = _("%(index)s %(year)s %(level)s: bảng xếp hạng %(count)s %(units)s — %(leaders)s") % {
        "index": named, "year": year, "level": LEVELS[level], "count": len(ranked), "units": UNITS[level],
        "leaders": _leaders(by_group(ranked), precision),
    }  # fmt: skip
    heading = _("Bảng xếp hạng %(index)s %(year)s %(level)s") % {"index": named, "year": year, "level": LEVELS[level]}
    title = {**title, **_share(heading, description, publication)}
    context = {
        **title,
        "publication": publication,
        "level": level,
        "indices": data.indices,
        "index": index,
        "index_label": indices[index],
        "tables": tables,
        "groups": [(value, labels.get(value, value)) for value, _rows in groups],
        "group": group or "",
        "regions": data.regions if level == Organisation.Level.PROVINCE else [],
        "region": region,
        "query": query,
        "sort": sort,
        "versions": data.edition.versions,
        # The DTI table's bands: shown with it, or said to be on their way.
        "robustness": data.robustness,
        "bands_pending": index == DTI and data.robustness is None,
        "national": data.edition.national,
        # Every unit of the index, whatever the filters: the map is the country's.
        "map": _map(
            publication,
            data.table,
            _("Bản đồ %(index)s %(year)s") % {"index": indices[index], "year": year},
            dom_id="ranking-map",
        ),
    }
    return Page(render_to_string("rankings/_ranking.html", context), title)


def _bands_chart(units: list[tuple[str, RankBand | None]], group_size: int) -> dict[str, Any]:
    """The error-bar chart's data: per unit its band (p05 to p95), median and official rank."""
    shown = [(name, band) for name, band in units if band is not None]
    return {
        "labels": [name for name, _band in shown],
        "low": [band.low for _name, band in shown],
        "high": [band.high for _name, band in shown],
        "median": [band.median for _name, band in shown],
        "rank": [band.rank for _name, band in shown],
        "max": group_size,
    }


def _ranking_download(request: HttpRequest, year: int, level: str, output: str) -> HttpResponseBase:
    """A ranking table as Excel (every group) or CSV (the group asked for, or every group); built once per
    publication version like the pages."""
    if level not in LEVELS or year_of(year) is None:
        raise Http404("No such level or year")
    version = _version(request)
    index = request.GET.get("index") or DTI
    group = request.GET.get("group") or None
    audience = Audience.of(request.user)
    found = cached(("download", audience, year, level, version, index, group, output),
                   lambda: _ranking_file(audience, year, level, version, index, group, output))  # fmt: skip
    shared = shareable(audience, found)
    if shared and (unchanged := not_modified(request, found)) is not None:
        return validate(request, unchanged, found, shared=True)
    content, filename, content_type = found.body
    return validate(request, _download(content, filename, content_type), found, shared=shared)


def _ranking_file(
    audience: Audience, year: int, level: str, version: int | None, index: str, group: str | None, output: str
) -> tuple[tuple[bytes, str, str], list[Publication]]:
    publication = publication_for(audience.publications(), year, level, version)
    if publication is None:
        raise Http404("Not published")
    if index not in dict(indices_of(publication)):
        raise Http404("No such index")
    full = ranking_table(publication, index)
    if group is not None and group not in {row.group for row in full}:
        raise Http404("No such group")
    name = f"dti-{year}-{level}-{index}{'-chay-thu' if publication.is_trial else ''}"
    if output == "xlsx":
        workbook = ranking_workbook(publication, index)
        return (workbook, f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), [
            publication
        ]
    rows = [row for row in full if group is None or row.group == group]
    return (ranking_csv(rows, publication).encode("utf-8-sig"), f"{name}.csv", "text/csv; charset=utf-8"), [publication]


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def preview(request: HttpRequest, year: int, level: str) -> HttpResponseBase:
    """The table's social-preview image (PNG), built in the background after publication: 404 until then.
    The public may keep it (a proxy too) with its ETag; a trial's is its signed-in reader's only."""
    publication = _publication(year, level, request)
    found = SocialPreview.objects.filter(publication=publication).first()
    if found is None:
        raise Http404("No preview image yet")
    image = bytes(found.image)
    tag = f'"{hashlib.sha256(image).hexdigest()[:32]}"'
    unchanged = get_conditional_response(request, etag=tag, last_modified=int(found.built_at.timestamp()))
    response = unchanged if unchanged is not None else HttpResponse(image, content_type="image/png")
    response["ETag"] = tag
    response["Last-Modified"] = http_date(int(found.built_at.timestamp()))
    if publication.is_trial:
        patch_cache_control(response, private=True)
    else:
        patch_cache_control(response, public=True, max_age=settings.PUBLISHED_CACHE_SECONDS)
    return response


@require_GET
def profile(request: HttpRequest, code: str) -> HttpResponseBase:
    """A unit's published values and ranks, its history, strengths and weaknesses, its group's average."""
    if not is_plain(code):
        raise Http404("No such unit")
    year = request.GET.get("year", "")
    if request.GET.get("format") == "pdf":
        return _scorecard(request, code, year)
    audience = Audience.of(request.user)
    whole = _whole_page(request, audience, "year")
    if (kept := _kept(request, whole)) is not None:
        return kept
    found = cached(("profile", audience, get_language(), code, year), lambda: _profile(audience, code, year))
    return _respond(request, audience, found, "rankings/profile.html", whole)


def _unit_year(among: PublicationQuerySet, code: str, year: str) -> tuple[Organisation, UnitYears, Publication | None]:
    """The unit a profile URL names, where it appears, and the publication shown: the newest official
    year's (see `headline`), or the `year` asked for; 404 when there is none."""
    # The country's results are the national DTI's page, not a unit's profile.
    organisation = get_object_or_404(Organisation.objects.select_related("region"), code=code, level__in=RANKED_LEVELS)
    years = unit_years(organisation, among)
    if not years.publications and not years.predecessors:
        raise Http404("No published results")
    publication = headline(years.publications)
    if year:
        # A year the unit has no published result for is not silently another year.
        publication = next((p for p in years.publications if p.campaign.year == year_of(year)), None)
        if publication is None:
            raise Http404("No published result that year")
    return organisation, years, publication


def _profile(audience: Audience, code: str, year: str) -> tuple[Page, list[Publication]]:
    organisation, years, publication = _unit_year(audience.publications(), code, year)
    rows = unit_profile(publication, organisation) if publication else []
    strongest, weakest = strengths_and_weaknesses(rows)
    dti = next((row for row in rows if row.index == DTI), None)
    analysis = robustness_of(publication) if publication and dti and dti.rank is not None else None
    band = analysis.bands().get(organisation.code) if analysis else None
    context = {
        "organisation": organisation,
        "publication": publication,
        "publications": years.publications,
        "rows": rows,
        "dti": dti,
        "band": band,
        "band_chart": _bands_chart([(organisation.short_name_in(publication.campaign.year), band)], dti.group_size)
        if publication and dti and band
        else None,
        "strongest": strongest,
        "weakest": weakest,
        "history": years.history,
        "history_chart": [
            {
                "label": f"{point.year} ({_('chạy thử')})" if point.trial else str(point.year),
                "value": float(point.value),
            }
            for point in years.history
            if point.value is not None
        ],
        "profile_chart": [
            {"label": row.label[:40], "value": float(row.value), "average": float(row.group_average)}
            for row in rows
            if row.kind == "main" and row.value is not None and row.group_average is not None
        ],
        "map": _profile_map(publication, organisation) if publication else None,
    }
    name = organisation.short_name
    if publication is not None and dti is not None and dti.value is not None:
        places = publication.campaign.framework.precision
        figures = {"name": name, "year": publication.campaign.year, "value": format_number(dti.value, places)}
        if dti.rank is not None:
            description = _(
                "Kết quả đánh giá chuyển đổi số của %(name)s: DTI %(year)s đạt %(value)s, hạng %(rank)s/%(size)s "
                "%(units)s; các chỉ số chính, điểm mạnh, điểm yếu và kết quả qua các năm."
            ) % {**figures, "rank": dti.rank, "size": dti.group_size, "units": UNITS.get(organisation.level, "")}
        else:
            description = _("Kết quả đánh giá chuyển đổi số của %(name)s: DTI %(year)s đạt %(value)s.") % figures
    else:
        description = _("Kết quả đánh giá chuyển đổi số của %(name)s qua các năm.") % {"name": name}
    title = {"unit_name": name,
             **_share(_("%(name)s — kết quả đánh giá") % {"name": name}, description, publication)}  # fmt: skip
    page = Page(render_to_string("rankings/_profile.html", context), title)
    return page, years.read


def _profile_map(publication: Publication, organisation: Organisation) -> Choropleth | None:
    """The DTI map of the profile's year with the unit highlighted; the table under it is read once per
    publication for all its units' profiles."""
    if publication.campaign.level != Organisation.Level.PROVINCE:
        return None
    table = cached(("map-table", publication.pk),
                   lambda: (ranking_tables([(publication, None)])[0], [publication])).body  # fmt: skip
    caption = _("Bản đồ DTI %(year)s") % {"year": publication.campaign.year}
    return _map(publication, table, caption, dom_id="profile-map", current=organisation.code)


def _scorecard(request: HttpRequest, code: str, year: str) -> HttpResponse:
    """The unit's scorecard of the year shown as PDF."""
    organisation, _years, publication = _unit_year(_visible(request), code, year)
    if publication is None:
        raise Http404("No published results")
    trial = "-chay-thu" if publication.is_trial else ""
    return _private(_download(scorecard_pdf(publication, organisation),
                              f"dti-{publication.campaign.year}-{code}{trial}.pdf", "application/pdf"),
                    publication)  # fmt: skip


@require_GET
def compare(request: HttpRequest) -> HttpResponseBase:
    """Two or three units of one level side by side for one published year.

    Units of two levels cannot be compared (400, saying so); an unknown unit, level or unpublished
    year is not found (404) rather than silently replaced.
    """
    codes = list(dict.fromkeys(code for code in request.GET.getlist("unit") if code))[:3]
    if not all(is_plain(code) for code in codes):
        raise Http404("No such unit")
    asked_level = request.GET.get("level", "")
    if asked_level and asked_level not in LEVELS:
        raise Http404("No such level")
    year = request.GET.get("year", "")
    audience = Audience.of(request.user)
    whole = _whole_page(request, audience, "unit", "level", "year")
    if (kept := _kept(request, whole)) is not None:
        return kept
    found = cached(("compare", audience, get_language(), tuple(codes), asked_level, year),
                   lambda: _compare(audience, codes, asked_level, year))  # fmt: skip
    return _respond(request, audience, found, "rankings/compare.html", whole)


def _compare(audience: Audience, codes: list[str], asked_level: str, year: str) -> tuple[Page, list[Publication]]:
    found = Organisation.objects.filter(code__in=codes, level__in=list(LEVELS)).in_bulk(field_name="code")
    if len(found) < len(codes):
        raise Http404("No such unit")
    units = [found[code] for code in codes]
    levels = {unit.level for unit in units} | ({asked_level} if asked_level else set())
    if len(levels) > 1:
        raise Rejected(
            _("Không so sánh được %(units)s: tỉnh, thành phố chỉ so sánh với tỉnh, thành phố; bộ, ngành với bộ, "
              "ngành (mỗi cấp có bộ chỉ số và bảng xếp hạng riêng).")
            % {"units": ", ".join(unit.short_name for unit in units)}
        )  # fmt: skip
    level = levels.pop() if levels else Organisation.Level.PROVINCE
    publications = latest_publications(audience.publications(), level)
    publication = headline(publications)
    if year:
        publication = next((p for p in publications if p.campaign.year == year_of(year)), None)
        if publication is None:
            raise Http404("Not published")
    columns: list[dict[str, Any]] = []
    indices: list[tuple[str, str]] = []
    choices: list[Organisation] = []
    if publication:
        for unit in units:
            columns.append({"unit": unit, "name": unit.short_name_in(publication.campaign.year),
                            "rows": {row.index: row for row in _unit_rows(publication, unit)}})  # fmt: skip
        indices, choices = _compare_choices(publication)
    context = {
        "publication": publication,
        "publications": publications,
        "lines": [(label, [column["rows"].get(index) for column in columns]) for index, label in indices],
        "columns": columns,
        "choices": choices,
        "codes": codes,
        "slots": range(3),
        "chart": _compare_chart(indices, columns),
    }
    if publication is not None and columns:
        description = _("So sánh kết quả DTI %(year)s của %(units)s: từng chỉ số, cạnh nhau.") % {
            "year": publication.campaign.year, "units": ", ".join(column["name"] for column in columns)
        }  # fmt: skip
    else:
        description = _("So sánh kết quả đánh giá chuyển đổi số của hai hoặc ba đơn vị cùng cấp, từng chỉ số.")
    share = _share(_("So sánh đơn vị"), description, publication)
    return Page(render_to_string("rankings/_compare.html", context), share), list(publications)


def _unit_rows(publication: Publication, unit: Organisation) -> list[Any]:
    """A unit's rows of a publication (with its group's averages), kept apart: the comparisons of every pair
    and triple of units are built from them without reading the group's table each time."""
    return cached(
        ("unit-rows", publication.pk, unit.code), lambda: (unit_profile(publication, unit), [publication])
    ).body


def _compare_choices(publication: Publication) -> tuple[list[tuple[str, str]], list[Organisation]]:
    """The indices of a publication and its units by name, for every comparison of it."""

    def make() -> tuple[tuple[list[tuple[str, str]], list[Organisation]], list[Publication]]:
        units = Organisation.objects.filter(published_results__publication=publication).distinct()
        return (indices_of(publication), sorted(units, key=lambda unit: vietnamese_sort_key(unit.short_name))), [
            publication
        ]

    return cached(("compare-choices", publication.pk), make).body


def _compare_chart(indices: list[tuple[str, str]], columns: list[dict[str, Any]]) -> dict[str, Any]:
    series = []
    for column in columns:
        rows = column["rows"]
        values = [float(rows[index].value) if index in rows and rows[index].value is not None else None
                  for index, _label in indices]  # fmt: skip
        series.append({"label": column["name"], "values": values})
    return {"labels": [label[:30] for _index, label in indices], "series": series}


@require_GET
def methodology(request: HttpRequest, year: int, level: str) -> HttpResponseBase:
    """The published year's method, generated from its framework: structure, points, rules in words,
    exclusions and focus indices of that year and the revision log."""
    if level not in LEVELS or year_of(year) is None:
        raise Http404("No such level or year")
    version = _version(request)
    audience = Audience.of(request.user)
    whole = _whole_page(request, audience, "version")
    if (kept := _kept(request, whole)) is not None:
        return kept
    found = cached(("methodology", audience, get_language(), year, level, version),
                   lambda: _methodology(audience, year, level, version))  # fmt: skip
    return _respond(request, audience, found, "rankings/methodology.html", whole)


def _methodology(audience: Audience, year: int, level: str, version: int | None) -> tuple[Page, list[Publication]]:
    publication = publication_for(audience.publications(), year, level, version)
    if publication is None:
        raise Http404("Not published")
    framework = publication.campaign.framework
    nodes = list(framework.nodes.order_by("order"))
    depth: dict[int, int] = {}
    for node in nodes:
        depth[node.pk] = 0 if node.parent_id is None else depth[node.parent_id] + 1
    versions = list(Publication.objects.filter(campaign=publication.campaign).order_by("version"))
    analysis = robustness_of(publication)
    # The components the authority asked every unit to focus on in that year (seed 000's letter, or the
    # administrator's marks): fixed once the campaign is published, as the rest of the page.
    focus_indices = list(publication.campaign.focus_indices.select_related("node"))
    context = {
        "publication": publication,
        "framework": framework,
        "nodes": [(node, depth[node.pk]) for node in nodes],
        "leaf_count": len(nodes) - len({node.parent_id for node in nodes if node.parent_id is not None}),
        "aggregates": framework.aggregates.prefetch_related("main_indices"),
        "exclusions": publication.campaign.exclusions.active().select_related("node"),
        "focus_indices": focus_indices,
        "focus_nodes": {mark.node_id for mark in focus_indices},
        "versions": versions,
        "missing": framework.missing.all(),
        "robustness": analysis,
        # The parameters the bands were computed with; the method's defaults while they are being computed.
        "draws": analysis.draws if analysis else DRAWS,
        "spread_percent": round((float(analysis.spread) if analysis else SPREAD) * 100),
        "floor": analysis.geometric_floor if analysis and analysis.geometric_floor is not None else GEOMETRIC_FLOOR,
    }
    figures = {"year": publication.campaign.year, "level": publication.campaign.get_level_display()}
    description = (
        _(
            "Phương pháp đánh giá DTI %(year)s — %(level)s: cấu trúc bộ chỉ số, điểm tối đa, quy tắc tính, các "
            "trường hợp loại trừ, độ vững của thứ hạng và lịch sử đính chính."
        )
        % figures
    )
    title = {"year": figures["year"], "level_name": figures["level"],
             **_share(_("Phương pháp đánh giá %(year)s — %(level)s") % figures, description, publication)}  # fmt: skip
    return Page(render_to_string("rankings/_methodology.html", context), title), [publication, *versions]


@require_GET
def results_index(request: HttpRequest) -> HttpResponse:
    """The newest published ranking (the newest official one before any trial), or the home page when
    nothing is published yet."""
    ranked = [p for p in latest_publications(_visible(request)) if p.campaign.level in RANKED_LEVELS]
    publication = headline(ranked)
    if publication is None:
        return redirect("home")
    latest = publication.campaign
    return redirect(reverse("rankings:ranking", args=[latest.year, latest.level]))


@require_http_methods(["GET", "POST"])
def national_report(request: HtmxRequest, year: int, level: str) -> HttpResponseBase:
    """The national report's PDF: built once per publication in the background, with its progress."""
    publication = _publication(year, level, request)
    export = ReportExport.objects.filter(publication=publication).first()
    if request.method == "POST":
        export = request_national_report(publication)
        return redirect(f"{reverse('rankings:report', args=[year, level])}?version={publication.version}")
    if request.GET.get("download") and export and export.state == ReportExport.State.DONE and export.file:
        name = (export.file.name or "").rsplit("/", 1)[-1]
        download = FileResponse(
            export.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
        )
        if publication.is_trial:
            patch_cache_control(download, private=True)
        return download
    template = "rankings/_report_status.html" if request.htmx else "rankings/report.html"
    response = render(request, template, {"publication": publication, "export": export, "year": year, "level": level})
    return _private(response, publication)


@require_GET
def national(request: HttpRequest, year: int) -> HttpResponseBase:
    """The national DTI of a published year: its value and change, what its source prints about it, every
    national index where the authority published their values, and the national DTI over the years beside
    the peer groups' average DTI (as a chart and as a table)."""
    if year_of(year) is None:
        raise Http404("No such year")
    version = _version(request)
    audience = Audience.of(request.user)
    whole = _whole_page(request, audience, "version")
    if (kept := _kept(request, whole)) is not None:
        return kept
    found = cached(("national", audience, get_language(), year, version), lambda: _national(audience, year, version))
    return _respond(request, audience, found, "rankings/national.html", whole)


def _national(audience: Audience, year: int, version: int | None) -> tuple[Page, list[Publication]]:
    data = national_edition(audience.publications(), year, version)
    if data is None:
        raise Http404("Not published")
    overview = national_overview(audience.publications())
    publication = data.edition.publication
    context = {
        "year": year,
        "data": data,
        "publication": publication,
        "framework": publication.campaign.framework,
        "previous": data.edition.previous,
        "versions": data.edition.versions,
        "overview": overview,
        "chart": overview.chart(_("DTI quốc gia")),
        "printed": sorted(data.printed.values(), key=_printed_order),
    }
    dti = data.dti
    places = publication.campaign.framework.precision
    if dti is not None and dti.value is not None:
        description = _("DTI quốc gia %(year)s: %(value)s") % {"year": year, "value": format_number(dti.value, places)}
        if dti.previous is not None:
            description += _(" (năm %(year)s: %(value)s)") % {"year": year - 1,
                                                              "value": format_number(dti.previous, places)}  # fmt: skip
        description += _("; các chỉ số quốc gia và DTI quốc gia qua các năm bên cạnh DTI trung bình các nhóm.")
    else:
        description = _("DTI quốc gia %(year)s và DTI quốc gia qua các năm.") % {"year": year}
    title = {"year": year, **_share(_("DTI quốc gia %(year)s") % {"year": year}, description)}
    page = Page(render_to_string("rankings/_national.html", context), title)
    return page, [*data.edition.publications, *overview.read]


def _printed_order(figure: PrintedFigure) -> tuple[int, tuple[int, str]]:
    """The kinds' order (the indices, then the groups' averages), the groups in the report's order."""
    return PrintedFigure.Kind.values.index(figure.kind), group_position(figure.group)


def explore(request: HttpRequest) -> HttpResponseBase:
    """The data explorer: one index of chosen units (one by one, a peer group or a region) over the
    chosen years of one level, as a line chart, a bar chart of one year and a table, with the same
    selection as CSV, Excel and from the API. The URL holds the selection, each selection at one address
    (another spelling of it is redirected there); a parameter naming nothing published is refused next
    to its field (400). Official publications only, for every reader: what the API gives."""
    output = request.GET.get("format")
    audience = Audience.of(request.user)
    whole = _whole_page(request, audience, *EXPLORE_PARAMETERS)
    if (kept := _kept(request, whole)) is not None:
        return kept
    form = explore_form(request.GET)
    if not form.is_valid():
        content = render_to_string("rankings/_explore.html", _explore_context(form, None), request=request)
        # The content was rendered, escaped, by the portal's own template.
        return render(request, "rankings/explore.html", {"content": mark_safe(content)}, status=400)  # noqa: S308
    selection = form.selection()
    if output in ("csv", "xlsx"):
        return _explore_download(request, selection, output)
    canonical = urlencode(selection.parameters())
    if request.GET and request.GET.urlencode() != canonical:
        # One address per selection, as the form's fields name it in whatever order: the one to share.
        return redirect(f"{reverse('explore')}?{canonical}")
    found = cached(("explore", get_language(), selection.key()), lambda: _explore_page(form))
    return _respond(request, audience, found, "rankings/explore.html", whole)


def _explore_page(form: ExploreForm) -> tuple[Page, list[Publication]]:
    explored = explore_selection(form.selection())
    level = LEVELS.get(explored.selection.level, explored.selection.level)
    title: dict[str, Any] = (
        {"explore_title": f"{explored.index.label}, {level}"} if explored.catalogue.publications else {}
    )
    if explored.catalogue.publications and explored.years:
        description = _(
            "Khám phá dữ liệu DTI: %(index)s, %(level)s, %(count)s đơn vị, năm %(first)s–%(last)s — biểu đồ, bảng "
            "và tải về CSV, Excel."
        ) % {"index": explored.index.label, "level": level, "count": len(explored.units),
             "first": min(explored.years), "last": max(explored.years)}  # fmt: skip
    else:
        description = _("Khám phá dữ liệu DTI: chọn chỉ số, đơn vị và năm; xem biểu đồ, bảng và tải về CSV, Excel.")
    heading = _("Khám phá dữ liệu") + (f" — {title['explore_title']}" if title else "")
    title.update(_share(heading, description))
    content = render_to_string("rankings/_explore.html", _explore_context(form, explored))
    return Page(content, title), list(explored.catalogue.publications)


def _explore_context(form: ExploreForm, explored: Explored | None) -> dict[str, Any]:
    """The form as asked (its values, each refusal next to its field) and, for a valid selection, its
    charts, table and links."""
    found = form.catalogue
    data = form.query
    asked = explored.selection if explored is not None else None
    units = set(asked.units if asked else data.getlist("units"))
    # No year chosen is every year: each is shown ticked.
    years = {str(year) for year in asked.years} if asked else set(data.getlist("years"))
    group_labels = dict(Organisation.Group.choices)
    # The units' choices by region (provinces) or by peer group, a unit's latest (ministries).
    sections: list[tuple[str, list[UnitChoice]]] = []
    if found.level == Organisation.Level.PROVINCE:
        for code, name in [*found.regions, ("", "")]:
            sections.append((name, [unit for unit in found.units if unit.region == code]))
    else:
        for group in found.groups:
            members = [unit for unit in found.units if unit.groups[max(unit.groups)] == group]
            sections.append((str(group_labels.get(group, group)), members))
    context: dict[str, Any] = {
        "form": form,
        "catalogue": found,
        "level": found.level,
        "level_asked": data.get("level", found.level),
        "levels": EXPLORE_LEVELS,
        "index": asked.index if asked else data.get("index", ""),
        "index_groups": [
            (label, [choice for choice in found.indices if choice.kind == kind]) for kind, label in INDEX_KINDS
        ],
        "units": units,
        "unit_sections": [
            (label, members, sum(unit.code in units for unit in members)) for label, members in sections if members
        ],
        "group": asked.group if asked else data.get("group", ""),
        "groups": [(group, group_labels.get(group, group)) for group in found.groups],
        "region": asked.region if asked else data.get("region", ""),
        "years": years or {str(year) for year in found.years},
        "bar_year": str(asked.year) if asked and asked.year is not None else data.get("year", ""),
        "explored": explored,
    }
    if explored is None:
        return context
    query = urlencode(explored.selection.parameters())
    context.update({
        "query": query,
        "api_url": f"{reverse('api-rankings-explore')}?{urlencode(explored.selection.parameters(bar_year=False))}",
        "table": [(unit, [(year, points.get(year)) for year in explored.years]) for unit, points in explored.units],
        "partial": [p for p in explored.publications if p.is_partial],
        "chart": _explore_chart(explored),
        "derived": any(point.derived for _unit, points in explored.units for point in points.values()),
        "level_label": str(LEVELS[found.level]) if found.level in LEVELS else found.level,
    })  # fmt: skip
    return context


# The explorer's index choices, grouped by kind (`explore.KINDS`).
INDEX_KINDS = [("dti", gettext_lazy("Chỉ số tổng hợp")), ("pillar", gettext_lazy("Trụ cột")),
               ("main", gettext_lazy("Chỉ số chính")), ("component", gettext_lazy("Chỉ số thành phần"))]  # fmt: skip


def _explore_chart(explored: Explored) -> dict[str, Any]:
    """The line chart (one line per unit over the years, derived points marked) and the bar chart (the
    units' values in one year, highest first), for static/js/explore.js."""
    series = []
    for unit, points in explored.units:
        values = [points.get(year) for year in explored.years]
        series.append({"label": unit.name, "code": unit.code,
                       "values": [float(p.value) if p and p.value is not None else None for p in values],
                       "derived": [bool(p and p.derived) for p in values]})  # fmt: skip
    bar = [(unit, points[explored.bar_year]) for unit, points in explored.units
           if explored.bar_year in points and points[explored.bar_year].value is not None]  # fmt: skip
    bar.sort(key=lambda item: -(item[1].value or Decimal(0)))
    return {
        "years": [str(year) for year in explored.years],
        "series": series,
        "bar": {"year": explored.bar_year, "labels": [unit.name for unit, _point in bar],
                "values": [float(point.value or 0) for _unit, point in bar],
                "derived": [point.derived for _unit, point in bar]},
        "derivedNote": _("ước tính từ các đơn vị trước sáp nhập"),
    }  # fmt: skip


def _explore_download(request: HttpRequest, selection: Selection, output: str) -> HttpResponseBase:
    """The selection as CSV or Excel: the rows of the table, built once per publication generation."""

    def make() -> tuple[tuple[bytes, str, str], list[Publication]]:
        explored = explore_selection(selection)
        index = "".join(c if c.isascii() and c.isalnum() else "-" for c in selection.index)
        name = f"dti-kham-pha-{selection.level}-{index}"
        read = explored.catalogue.publications
        if output == "xlsx":
            level = str(LEVELS.get(selection.level, selection.level))
            xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            return (explore_workbook(explored, level), f"{name}.xlsx", xlsx), read
        return (explore_csv(explored.rows()).encode("utf-8-sig"), f"{name}.csv", "text/csv; charset=utf-8"), read

    found = cached(("explore-download", get_language(), selection.key(), output), make)
    if (unchanged := not_modified(request, found)) is not None:
        return validate(request, unchanged, found, shared=True)
    content, filename, content_type = found.body
    return validate(request, _download(content, filename, content_type), found, shared=True)


# The what-if form's rows: "Nếu [chỉ số] đạt [giá trị]", three of them (more when the address asks for more).
WHAT_IF_ROWS = 3


@dataclass(frozen=True)
class WhatIfRow:
    """One row of the what-if form as asked, with its errors by field ("index", "value")."""

    position: int
    index: str
    value: str
    errors: dict[str, str]


@require_GET
def what_if(request: HttpRequest, code: str) -> HttpResponseBase:
    """What a unit's DTI and rank would be with some of its main indices at other values, the other units at
    their published figures: the form's rows, or `set` (5:0,85,3:0,9) as the API takes it. A filled-in
    form is sent on to its `set` address, the one to share; a refused change is shown next to its field."""
    if not is_plain(code):
        raise Http404("No such unit")
    year_text = request.GET.get("year", "")
    year = year_of(year_text)
    if year_text and year is None:
        raise Http404("No such year")
    audience = Audience.of(request.user)
    found = cached(("what-if", audience, code, year), lambda: _what_if_basis(audience, code, year))
    basis: Basis
    basis, years = found.body
    from_form = "index" in request.GET or "value" in request.GET
    outcome, problem, refused = None, "", {}
    asked: tuple[Requested, ...] = ()
    try:
        asked = _form_changes(request) if from_form else requested_changes(request.GET.getlist("set"))
        if asked:
            outcome = published_what_if(basis=basis, changes=asked)
    except ChangesInvalid as error:
        refused = error.rows
    except InvalidInput as error:
        problem = error.message
    if from_form and not refused and not problem:
        # The address to share: `set` as the API takes it, its colons and commas as typed.
        changes = quote(",".join(item.as_text() for item in asked), safe=":,/")
        query = f"year={basis.publication.campaign.year}" + (f"&set={changes}" if asked else "")
        return redirect(f"{reverse('rankings:what-if', args=[code])}?{query}")
    rows = [WhatIfRow(n, item.index, item.value, refused.get(n, {})) for n, item in enumerate(asked)]
    rows += [WhatIfRow(position, "", "", {}) for position in range(len(rows), WHAT_IF_ROWS)]
    context = {
        "basis": basis,
        "organisation": basis.organisation,
        "publication": basis.publication,
        "years": years,
        "rows": rows,
        "problem": problem,
        "outcome": outcome,
        "rank_up": basis.rank_up,
        "gains": basis.gains,
    }
    return _private(render(request, "rankings/what_if.html", context), basis.publication)


def _form_changes(request: HttpRequest) -> tuple[Requested, ...]:
    """The form's rows that name an index or a value, in order."""
    pairs = zip(request.GET.getlist("index"), request.GET.getlist("value"), strict=False)
    return tuple(Requested(index.strip(), value.strip()) for index, value in pairs if index.strip() or value.strip())


def _what_if_basis(
    audience: Audience, code: str, year: int | None
) -> tuple[tuple[Basis, list[int]], list[Publication]]:
    """The unit's what-if basis in the year asked (its newest published year by default) and the years it
    has a published result in, for the reader's audience; 404 for a unit that is not ranked."""
    organisation = get_object_or_404(Organisation, code=code, level__in=RANKED_LEVELS)
    years = unit_years(organisation, audience.publications())
    basis = what_if_basis(organisation=organisation, among=audience.publications(), year=year)
    return (basis, sorted({p.campaign.year for p in years.publications})), [basis.publication, *years.read]
