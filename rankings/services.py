"""Publishing results as frozen, versioned snapshots: a campaign's final results, or historic results
imported from the published tables."""

from __future__ import annotations

import datetime
import hashlib
import logging
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationQuerySet, User, match_organisation
from accounts.names import vietnamese_sort_key
from common.errors import Forbidden, Rejected, WorkflowError
from common.formatting import format_number, parse_number
from common.spreadsheets import read_table
from common.vocabulary import HEADLINE, Stage
from indicators.models import Framework, Node
from scoring import robustness
from scoring.engine import NodeResult, aggregate_main_values
from scoring.services import load_campaign, score_stages
from submissions.services.publication import lock_for_publication, mark_campaign_published, past_campaign

from . import previews
from .models import (
    DTI,
    PrintedFigure,
    Publication,
    PublishedResult,
    ReportExport,
    RobustnessResult,
    SocialPreview,
    result_key,
)
from .parameters import year_of
from .queries import by_group, group_position, ranking_tables
from .ranking import competition_ranks, round_value
from .signals import campaign_published

TOLERANCE = Decimal("0.0001")

# Groups whose units are never ranked: a ministry that is not assessed, and the assessing authority.
UNRANKED_GROUPS = (Organisation.Group.NOT_ASSESSED, Organisation.Group.AUTHORITY)

# The time of day given to an imported table's publication day.
NOON = datetime.time(12)

# The national DTI has one unit, the country: its figure is published, never ranked (a rank of 1 among 1
# would read as a position).
UNRANKED_LEVELS = frozenset({Organisation.Level.NATIONAL})

logger = logging.getLogger(__name__)


class ResultsImportError(Rejected):
    """The file cannot be imported; `problems` names the row and column of each (Vietnamese)."""


@dataclass
class ImportedResults:
    publication: Publication
    units: int
    reconciliation: list[str] = field(default_factory=list)


def _column_name(position: int) -> str:
    name = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        name = chr(ord("A") + remainder) + name
    return name


def ranked_units(*, year: int, level: str) -> OrganisationQuerySet:
    """The units a year's ranking at a level covers: every unit of the level existing that year in a
    ranked group. A table is the year's ranking only when it holds all of them."""
    return Organisation.objects.of_level(level).valid_in(year).exclude(group__in=UNRANKED_GROUPS)


@transaction.atomic
def import_results(
    *, content: bytes, filename: str, year: int, level: str, framework_code: str | None = None,
    by: User | None = None, revision_note: str = "", published_on: datetime.date | None = None,
    partial: bool = False, source: str = "",
) -> ImportedResults:  # fmt: skip
    """Create a published campaign holding a year's results only, from a table of main-index values.

    Columns: `organisation` (code or name as printed), one per main-index code (value 0–1, decimal
    point or comma), optional `published_value`/`published_rank` (the official DTI figures),
    `published_rank_<main>`, and `published_<pillar>`/`published_rank_<pillar>`. The DTI and the
    pillars are aggregated from the main indices with the framework's points; ranks are computed
    within each peer group at the framework's precision. Where official figures are given they
    are what the public sees, and the reconciliation lists where they differ from the computed
    ones. All or nothing: any unknown unit or bad number raises ResultsImportError.

    A table lacking units of that year and level (`ranked_units`) is refused, naming them, unless
    `partial`: then it is published marked as covering n of the year's units. `published_on` is the
    day the table was published, shown as the publication's date; a year's first publication needs
    it, a later version (a correction, with its revision note) defaults to now. `source` says where the
    figures were printed, shown with them.

    The national level takes the same table with one row, the country's, and a column per national
    index of its framework: the values the authority measured, published without appraisal like any
    imported table; the national DTI is never ranked.
    """
    framework = _framework_for(year=year, level=level, code=framework_code)
    mains = {node.key: node.max_points or Decimal(0) for node in framework.nodes.filter(kind="main")}
    aggregates = {
        aggregate.code: tuple(aggregate.main_indices.values_list("key", flat=True))
        for aggregate in framework.aggregates.all()
    }
    table = read_table(content, filename)
    if not table:
        raise ResultsImportError(["Tệp không có dữ liệu."])
    header = [cell.strip() for cell in table[0]]
    if "organisation" not in header:
        raise ResultsImportError(["Dòng 1: thiếu cột “organisation”."])
    known = {"organisation", "published_value", "published_rank", *mains,
             *(f"published_rank_{key}" for key in mains),
             *(f"published_{code}" for code in aggregates if code != HEADLINE),
             *(f"published_rank_{code}" for code in aggregates if code != HEADLINE)}  # fmt: skip
    problems = [f"Dòng 1, cột {_column_name(i)}: cột “{name}” không có trong bộ chỉ số {framework.code}."
                for i, name in enumerate(header) if name and name not in known]  # fmt: skip
    index = Organisation.objects.of_level(level).valid_in(year).name_index()
    units: dict[Organisation, dict[str, Decimal | int | None]] = {}
    for number, row in enumerate(table[1:], start=2):
        cells = dict(zip(header, row, strict=False))
        if not any(cells.values()):
            continue
        organisation = match_organisation(index, cells.get("organisation", ""))
        if organisation is None:
            problems.append(f"Dòng {number}, cột A: không có đơn vị “{cells.get('organisation', '')}” "
                            f"trong năm {year}.")  # fmt: skip
            continue
        if organisation in units:
            problems.append(f"Dòng {number}, cột A: đơn vị “{organisation}” xuất hiện hai lần.")
            continue
        figures: dict[str, Decimal | int | None] = {}
        for position, name in enumerate(header):
            text = cells.get(name, "")
            if name == "organisation" or not name or name not in known or not text:
                continue
            place = f"Dòng {number}, cột {_column_name(position)} ({name})"
            if name.startswith("published_rank"):
                if not text.isdigit() or int(text) < 1:
                    problems.append(f"{place}: hạng phải là số nguyên dương; nhận được “{text}”.")
                    continue
                figures[name] = int(text)
                continue
            try:
                value = parse_number(text)
            except forms.ValidationError:
                value = None
            if value is None or not Decimal(0) <= value <= Decimal(1):
                problems.append(f"{place}: giá trị phải là số từ 0 đến 1; nhận được “{text}”.")
                continue
            figures[name] = value
        missing = [key for key, points in mains.items() if points and key not in figures]
        if missing:
            problems.append(f"Dòng {number}: thiếu giá trị chỉ số chính {', '.join(missing)} của “{organisation}”.")
        units[organisation] = figures
    expected = list(ranked_units(year=year, level=level))
    absent = sorted((unit for unit in expected if unit not in units), key=lambda u: vietnamese_sort_key(u.short_name))
    if not units and not problems:
        problems.append("Bảng không có đơn vị nào.")
    elif absent and not partial:
        problems.append(f"Bảng thiếu {len(absent)}/{len(expected)} đơn vị của năm {year}: "
                        f"{', '.join(unit.short_name for unit in absent)}. Bổ sung các đơn vị này, hoặc "
                        "công bố một phần (--partial) để mọi trang ghi rõ bảng chưa đủ đơn vị.")  # fmt: skip
    published_at = _publication_moment(year=year, level=level, published_on=published_on,
                                       revision_note=revision_note, problems=problems)  # fmt: skip
    if problems:
        raise ResultsImportError(problems)
    coverage = (len([unit for unit in expected if unit in units]), len(expected))
    return _publish_imported(framework, year, level, units, mains, aggregates, by, revision_note,
                             published_at, coverage, source)  # fmt: skip


def _publication_moment(
    *, year: int, level: str, published_on: datetime.date | None, revision_note: str, problems: list[str]
) -> datetime.datetime:
    """When the imported table was published: noon (local time) of the day given, so that the day reads
    the same in UTC as in Việt Nam; now for a correction given no day. Appends to `problems` what makes
    the day or the new version wrong."""
    # A trial of the same year is no earlier version of the official table.
    previous = Publication.objects.official().latest_for(year=year, level=level)
    if previous is not None and not revision_note.strip():
        problems.append(f"DTI {year} đã được công bố (phiên bản {previous.version}): nhập lại là một bản đính "
                        "chính, cần ghi chú sửa đổi công khai.")  # fmt: skip
    if published_on is None:
        if previous is None:
            problems.append("Cần ngày công bố của bảng (--published-on dd/mm/yyyy): đó là ngày cổng ghi "
                            "là ngày công bố kết quả.")  # fmt: skip
        return timezone.now()
    day = published_on.strftime("%d/%m/%Y")
    if published_on > timezone.localdate():
        problems.append(f"Ngày công bố {day} chưa tới.")
    if previous is not None and published_on < timezone.localdate(previous.published_at):
        problems.append(f"Ngày công bố {day} sớm hơn phiên bản {previous.version} "
                        f"({timezone.localdate(previous.published_at).strftime('%d/%m/%Y')}).")  # fmt: skip
    return timezone.make_aware(datetime.datetime.combine(published_on, NOON))


def _ranked(
    computed: Mapping[Organisation, Mapping[str, NodeResult]], key: str, places: int, *, ranked: bool = True
) -> list[tuple[Organisation, NodeResult | None, Decimal | None, int | None]]:
    """Each unit's result on `key`, its value and its rank within its peer group (none unless `ranked`),
    group by group."""
    found: list[tuple[Organisation, NodeResult | None, Decimal | None, int | None]] = []
    for group in sorted({unit.group for unit in computed}):
        members = [unit for unit in computed if unit.group == group]
        values = {unit: computed[unit][key].value if key in computed[unit] else None for unit in members}
        ranks = competition_ranks(values, places=places) if ranked else dict.fromkeys(members)
        found.extend((unit, computed[unit].get(key), values[unit], ranks[unit]) for unit in members)
    return found


def _official(figures: dict[str, Decimal | int | None], index: str, *, is_main: bool) -> tuple[object, object]:
    """The official value and rank the table gives for an index: a main index's value is its own column."""
    if index == DTI:
        return figures.get("published_value"), figures.get("published_rank")
    value_column = index if is_main else f"published_{index}"
    return figures.get(value_column), figures.get(f"published_rank_{index}")


def _differences(
    unit: Organisation, value: Decimal | None, rank: int | None, published_value: object, published_rank: object
) -> list[str]:
    """Where the computed DTI or its rank differs from the official figure (beyond 0.0001)."""
    found = []
    if isinstance(published_value, Decimal) and value is not None and abs(value - published_value) > TOLERANCE:
        found.append(f"{unit}: DTI tính được {round_value(value)} ≠ công bố {published_value}")
    if published_rank is not None and rank != published_rank:
        found.append(f"{unit}: hạng DTI tính được {rank} ≠ công bố {published_rank}")
    return found


def _framework_for(*, year: int, level: str, code: str | None) -> Framework:
    if code:
        framework = Framework.objects.filter(code=code).first()
        if framework is None:
            raise ResultsImportError([f"Không có bộ chỉ số “{code}”."])
        return framework
    frameworks = [f for f in Framework.objects.filter(level=level) if f.applies_to(year)]
    if len(frameworks) != 1:
        raise ResultsImportError([f"Cần chỉ rõ bộ chỉ số (--framework): có {len(frameworks)} bộ cho năm {year}."])
    return frameworks[0]


def _publish_imported(
    framework: Framework, year: int, level: str, units: dict[Organisation, dict[str, Decimal | int | None]],
    mains: dict[str, Decimal], aggregates: dict[str, tuple[str, ...]], by: User | None, revision_note: str,
    published_at: datetime.datetime, coverage: tuple[int, int], source: str = "",
) -> ImportedResults:  # fmt: skip
    campaign = past_campaign(framework=framework, year=year, level=level,
                             groups=sorted({unit.group for unit in units}), by=by)  # fmt: skip
    publication = Publication.objects.create(
        campaign=campaign, version=Publication.next_version(campaign), source=Publication.Source.IMPORTED,
        published_by=by, revision_note=revision_note, published_at=published_at,
        covered_units=coverage[0], expected_units=coverage[1], source_note=source.strip(),
    )  # fmt: skip
    # A framework without main indices yet (the national one, before its indices are loaded) computes
    # nothing: its DTI is the figure as published, with no score of 0 out of 0 beside it.
    computed = {unit: aggregate_main_values(mains, aggregates, {k: v for k, v in figures.items() if k in mains})  # type: ignore[misc]
                if mains else {} for unit, figures in units.items()}  # fmt: skip
    ranked = level not in UNRANKED_LEVELS
    indices = [DTI, *(code for code in aggregates if code != HEADLINE), *mains]
    rows: list[PublishedResult] = []
    reconciliation: list[str] = []
    for index in indices:
        for unit, result, value, rank in _ranked(computed, result_key(index), framework.precision, ranked=ranked):
            published_value, published_rank = _official(units[unit], index, is_main=index in mains)
            rows.append(PublishedResult(
                publication=publication, organisation=unit, group=unit.group, index=index,
                score=result.score if result else None, max_points=result.max_points if result else None,
                computed_value=value, published_value=published_value,
                computed_rank=rank, rank=(published_rank or rank) if ranked else None,  # type: ignore[misc]
            ))  # fmt: skip
            if index == DTI:
                reconciliation.extend(_differences(unit, value, rank, published_value, published_rank))
    pillars_published = any(f"published_{code}" in figures for figures in units.values() for code in aggregates)
    if pillars_published:
        reconciliation.append(
            "Giá trị các trụ cột được công bố theo bảng của báo cáo; chúng phụ thuộc số liệu mà các bảng "
            "không in ra nên không tính lại được từ các chỉ số chính và không được đối chiếu."
        )
    PublishedResult.objects.bulk_create(rows, batch_size=2000)
    publication.reconciliation = reconciliation
    publication.save(update_fields=["reconciliation"])
    if ranked:
        # The report is of ranking tables; the national DTI's page is its own summary.
        request_national_report(publication)
        request_robustness(publication)
        request_preview(publication)
    return ImportedResults(publication=publication, units=len(units), reconciliation=reconciliation)


# The `figure` of a national figures table's row holding the year's national DTI; the other rows' figures
# are PrintedFigure kinds.
NATIONAL_DTI = DTI
NATIONAL_COLUMNS = ("year", "figure", "group", "value", "source")
# The peer groups a printed average may be of: the ranked groups of the other levels.
AVERAGED_GROUPS = (Organisation.Group.PROVINCE, Organisation.Group.PUBLIC_SERVICES,
                   Organisation.Group.NO_PUBLIC_SERVICES)  # fmt: skip


@dataclass
class NationalYear:
    """A year's row of a national figures table: its DTI as printed, where, and what else is printed."""

    year: int
    value: Decimal
    source: str
    printed: list[PrintedFigure] = field(default_factory=list)


@dataclass
class NationalImport:
    published: list[ImportedResults]
    # The years the table gives that were published before and are left as they are.
    kept: list[Publication]


@transaction.atomic
def import_national_figures(
    *, content: bytes, filename: str, published_on: datetime.date | None, by: User | None = None,
    revision_note: str = "",
) -> NationalImport:  # fmt: skip
    """Publish the national DTI of every year a table gives, as its source prints it, with the figures the
    source prints about that year (how many national indices, how many above 0,5; a peer group's average).

    Columns `year`, `figure`, `group`, `value`, `source`: one row per figure, `figure` being `dti` (the
    year's national DTI, required) or a PrintedFigure kind; `group` names the peer group of a group
    average; `source` says where the figure is printed, and is shown with it. Only what the source prints
    is given: a year's publication holds the country's DTI and nothing computed (the national indices,
    until the authority loads them with a framework, are not in the portal).

    A year published before is kept as it is, unless `revision_note`: then every year of the table is
    published again as a correction with that public note. All or nothing.
    """
    years, problems = _national_years(read_table(content, filename))
    country_of: dict[int, Organisation] = {}
    frameworks: dict[int, Framework] = {}
    moments: dict[int, datetime.datetime] = {}
    kept: list[Publication] = []
    for item in years:
        previous = Publication.objects.official().latest_for(year=item.year, level=Organisation.Level.NATIONAL)
        if previous is not None and not revision_note.strip():
            kept.append(previous)
            continue
        countries = list(ranked_units(year=item.year, level=Organisation.Level.NATIONAL))
        if len(countries) != 1:
            problems.append(f"Năm {item.year}: cần đúng một đơn vị cấp quốc gia trong dữ liệu tham chiếu, có "
                            f"{len(countries)}.")  # fmt: skip
        else:
            country_of[item.year] = countries[0]
        try:
            frameworks[item.year] = _framework_for(year=item.year, level=Organisation.Level.NATIONAL, code=None)
        except ResultsImportError as error:
            problems.extend(f"Năm {item.year}: {problem}" for problem in error.problems)
        moments[item.year] = _publication_moment(year=item.year, level=Organisation.Level.NATIONAL,
                                                 published_on=published_on, revision_note=revision_note,
                                                 problems=problems)  # fmt: skip
    if problems:
        raise ResultsImportError(problems)
    published = []
    for item in years:
        if item.year not in frameworks:
            continue
        country = country_of[item.year]
        imported = _publish_imported(
            frameworks[item.year], item.year, Organisation.Level.NATIONAL, {country: {"published_value": item.value}},
            {}, {}, by, revision_note, moments[item.year], (1, 1), item.source,
        )  # fmt: skip
        for figure in item.printed:
            figure.publication = imported.publication
        PrintedFigure.objects.bulk_create(item.printed)
        published.append(imported)
    return NationalImport(published=published, kept=kept)


def _national_years(table: list[list[str]]) -> tuple[list[NationalYear], list[str]]:
    """The years of a national figures table, oldest first, and every problem it has (row and column)."""
    if not table:
        return [], ["Tệp không có dữ liệu."]
    header = [cell.strip() for cell in table[0]]
    problems = [f"Dòng 1: thiếu cột “{name}”." for name in NATIONAL_COLUMNS if name not in header]
    problems += [f"Dòng 1, cột {_column_name(i)}: cột “{name}” không có trong bảng số liệu quốc gia."
                 for i, name in enumerate(header) if name and name not in NATIONAL_COLUMNS]  # fmt: skip
    if problems:
        return [], problems
    kinds = set(PrintedFigure.Kind.values)
    found: dict[int, NationalYear] = {}
    printed: list[tuple[int, PrintedFigure]] = []
    seen: set[tuple[int, str, str]] = set()
    for number, row in enumerate(table[1:], start=2):
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        if not any(cells.values()):
            continue
        year, figure, group = year_of(cells.get("year", "")), cells.get("figure", ""), cells.get("group", "")
        source, text = cells.get("source", ""), cells.get("value", "")
        place = f"Dòng {number}"
        if year is None:
            problems.append(f"{place}: năm “{cells.get('year', '')}” không phải năm đánh giá.")
            continue
        if figure != NATIONAL_DTI and figure not in kinds:
            problems.append(f"{place}: “{figure}” không phải số liệu nhận được ({NATIONAL_DTI}, "
                            f"{', '.join(sorted(kinds))}).")  # fmt: skip
            continue
        if figure == PrintedFigure.Kind.GROUP_AVERAGE and group not in AVERAGED_GROUPS:
            problems.append(f"{place}: giá trị trung bình cần nhóm ({', '.join(AVERAGED_GROUPS)}); nhận được "
                            f"“{group}”.")  # fmt: skip
            continue
        if figure != PrintedFigure.Kind.GROUP_AVERAGE and group:
            problems.append(f"{place}: chỉ giá trị trung bình của một nhóm mới ghi nhóm.")
            continue
        if not source:
            problems.append(f"{place}: thiếu nguồn của số liệu (văn bản, mục, trang).")
        if (year, figure, group) in seen:
            problems.append(f"{place}: số liệu “{figure}” năm {year} xuất hiện hai lần.")
            continue
        seen.add((year, figure, group))
        try:
            value = parse_number(text)
        except forms.ValidationError:
            value = None
        counted = figure in (PrintedFigure.Kind.INDICES, PrintedFigure.Kind.INDICES_ABOVE_HALF)
        if counted and (value is None or value < 0 or value != value.to_integral_value()):
            problems.append(f"{place}: số chỉ số phải là số nguyên không âm; nhận được “{text}”.")
            continue
        if not counted and (value is None or not Decimal(0) <= value <= Decimal(1)):
            problems.append(f"{place}: giá trị phải là số từ 0 đến 1; nhận được “{text}”.")
            continue
        assert value is not None
        if figure == NATIONAL_DTI:
            found[year] = NationalYear(year=year, value=value, source=source)
        else:
            printed.append((year, PrintedFigure(kind=figure, group=group, value=value, source=source)))
    for year, stated in printed:
        if year in found:
            found[year].printed.append(stated)
        else:
            problems.append(f"Năm {year}: thiếu giá trị DTI quốc gia (dòng “{NATIONAL_DTI}”).")
    for item in found.values():
        counts = {figure.kind: figure.value for figure in item.printed}
        above, total = counts.get(PrintedFigure.Kind.INDICES_ABOVE_HALF), counts.get(PrintedFigure.Kind.INDICES)
        if above is not None and total is not None and above > total:
            problems.append(f"Năm {item.year}: số chỉ số trên 0,5 ({above}) lớn hơn số chỉ số ({total}).")
    if not found and not problems:
        problems.append("Bảng không có năm nào.")
    return sorted(found.values(), key=lambda item: item.year), sorted(set(problems), key=problems.index)


@transaction.atomic
def publish_campaign(*, campaign_id: int, by: User, revision_note: str = "") -> Publication:
    """Freeze a campaign's final results as a new published version, ranked within each peer group.

    Every unit must be finalised (or already published). The results are computed afresh from the
    final values inside this transaction, so the snapshot is exactly the data at publication. A
    second publication of the campaign is a correction and needs a public revision note.
    """
    if not by.is_administrator:
        raise Forbidden("Chỉ quản trị viên được công bố kết quả.")
    campaign, submissions = lock_for_publication(campaign_id=campaign_id)
    version = Publication.next_version(campaign)
    revision_note = revision_note.strip()
    if version > 1 and not revision_note:
        raise WorkflowError("Công bố lại là một bản đính chính: phải có ghi chú sửa đổi công khai.")
    loaded = load_campaign(campaign)
    framework_spec = loaded.framework
    final = score_stages(loaded)[Stage.FINAL].results()
    # A campaign's publication covers every unit of its campaign.
    publication = Publication.objects.create(
        campaign=campaign, version=version, source=Publication.Source.COMPUTED, published_by=by,
        revision_note=revision_note, covered_units=len(submissions), expected_units=len(submissions),
    )  # fmt: skip
    kinds = dict(Node.objects.filter(framework=campaign.framework).values_list("key", "kind"))
    aggregates = [code for code in framework_spec.aggregates if code != HEADLINE]
    published_keys = [key for key, kind in kinds.items() if kind in (Node.Kind.MAIN, Node.Kind.COMPONENT)]
    indices = [DTI, *aggregates, *(key for key in published_keys if key not in aggregates)]
    units = {s.organisation.code: s.organisation for s in submissions}
    rows: list[PublishedResult] = []
    computed = {unit: final.get(code, {}) for code, unit in units.items()}
    for index in indices:
        key = result_key(index)
        for unit, result, value, rank in _ranked(computed, key, campaign.framework.precision):
            rows.append(PublishedResult(
                publication=publication, organisation=unit, group=unit.group, index=index,
                score=result.score if result else None, max_points=result.max_points if result else None,
                computed_value=value, computed_rank=rank, rank=rank,
            ))  # fmt: skip
    PublishedResult.objects.bulk_create(rows, batch_size=2000)
    mark_campaign_published(
        campaign=campaign, submissions=submissions, by=by, version=version, revision_note=revision_note
    )
    request_national_report(publication)
    request_robustness(publication)
    request_preview(publication)
    campaign_published.send(sender=Publication, publication=publication)
    return publication


def request_national_report(publication: Publication) -> ReportExport:
    """Queue the national report of a publication unless it is built or being built (one per publication).

    Publishing calls it, so the report is ready before its first reader asks; a visitor's request builds
    it for a publication made before that, or after a failed build. The build is queued once the
    transaction commits; a broker that cannot take it leaves the report failed, to be requested again.
    """
    with transaction.atomic():
        export, created = ReportExport.objects.select_for_update().get_or_create(publication=publication)
        if created or export.state == ReportExport.State.FAILED:
            export.state, export.progress, export.error = ReportExport.State.QUEUED, 0, ""
            export.requested_at = timezone.now()
            export.save(update_fields=["state", "progress", "error", "requested_at"])
            export_id = export.pk
            transaction.on_commit(lambda: _queue_report(export_id))
    return export


def _queue_report(export_id: int) -> None:
    from .tasks import build_national_report

    try:
        build_national_report.delay(export_id=export_id)
    except Exception:
        # The publication stands; only its report waits (in-process, the build itself failed and said so).
        logger.exception("Could not build or queue the national report %s", export_id)
        ReportExport.objects.filter(pk=export_id, state=ReportExport.State.QUEUED).update(
            state=ReportExport.State.FAILED, error="Không gửi được yêu cầu tạo báo cáo; hãy yêu cầu lại."
        )


# A request for bands still queued or running after this long was lost (a run takes well under a second).
ROBUSTNESS_LOST_AFTER = datetime.timedelta(minutes=10)


def robustness_seed(publication: Publication) -> int:
    """The seed of a publication's analysis: derived from its year, level, version and whether it is a
    trial, so that the same publication gets the same bands in every installation (`make setup` anywhere
    gives the bands the portal shows)."""
    campaign = publication.campaign
    kind = "trial" if campaign.is_trial else "official"
    text = f"dti-robustness|{campaign.year}|{campaign.level}|{kind}|v{publication.version}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def request_robustness(publication: Publication) -> RobustnessResult:
    """Queue the rank bands of a publication unless they are computed or being computed (one per
    publication), with its seed and the method's parameters fixed at the first request.

    Publishing calls it; a reader's request calls it (`robustness_of`) for a publication made before
    bands existed, after a failed run, or after a run that was lost. The run is queued once the
    transaction commits.
    """
    with transaction.atomic():
        result, created = RobustnessResult.objects.select_for_update().get_or_create(
            publication=publication,
            defaults={"seed": robustness_seed(publication), "draws": robustness.DRAWS,
                      "spread": Decimal(str(robustness.SPREAD))},
        )  # fmt: skip
        lost = not result.is_done and result.requested_at < timezone.now() - ROBUSTNESS_LOST_AFTER
        if created or result.state == RobustnessResult.State.FAILED or lost:
            result.state, result.error = RobustnessResult.State.QUEUED, ""
            result.requested_at = timezone.now()
            result.save(update_fields=["state", "error", "requested_at"])
            result_id = result.pk
            transaction.on_commit(lambda: _queue_robustness(result_id))
    return result


def robustness_of(publication: Publication) -> RobustnessResult | None:
    """The publication's rank bands once computed, else None; asks for them where nobody has (see
    `request_robustness`). Without a broker the run happens as the request commits, so the bands are
    there for this reader already."""
    found = RobustnessResult.objects.filter(publication=publication).first()
    if found is not None and found.is_done:
        return found
    lost = found is not None and found.requested_at < timezone.now() - ROBUSTNESS_LOST_AFTER
    if found is None or found.state == RobustnessResult.State.FAILED or lost:
        request_robustness(publication)
        return RobustnessResult.objects.filter(publication=publication, state=RobustnessResult.State.DONE).first()
    return None


def _queue_robustness(result_id: int) -> None:
    from .tasks import compute_robustness_task

    try:
        compute_robustness_task.delay(result_id=result_id)
    except Exception:
        # The publication stands; only its bands wait (in-process, the run itself failed and said so).
        logger.exception("Could not compute or queue the rank bands %s", result_id)
        RobustnessResult.objects.filter(pk=result_id, state=RobustnessResult.State.QUEUED).update(
            state=RobustnessResult.State.FAILED, error="Không gửi được yêu cầu tính; sẽ thử lại khi có người xem."
        )


def compute_robustness(*, result_id: int) -> RobustnessResult:
    """Rank every DTI table of the publication under the method's alternatives and store each unit's
    official rank, median rank and 5–95 % band, with the method as it ran. Safe to run twice: computed
    bands are left alone, and a run again gives the same bands (the seed is the stored one)."""
    result = RobustnessResult.objects.select_related("publication__campaign__framework").get(pk=result_id)
    if result.is_done:
        return result
    RobustnessResult.objects.filter(pk=result.pk).update(state=RobustnessResult.State.RUNNING, error="")
    try:
        rows = _rank_bands(result.publication, seed=result.seed, draws=result.draws, spread=float(result.spread))
    except Exception as error:
        logger.exception("The rank bands of publication %s failed", result.publication_id)
        RobustnessResult.objects.filter(pk=result.pk).update(state=RobustnessResult.State.FAILED,
                                                             error=str(error)[:2000])  # fmt: skip
        raise
    with transaction.atomic():
        result = RobustnessResult.objects.select_for_update().get(pk=result.pk)
        result.rows = rows
        result.method = robustness.method(seed=result.seed, draws=result.draws, spread=float(result.spread),
                                          places=result.publication.campaign.framework.precision)  # fmt: skip
        result.state, result.error, result.finished_at = RobustnessResult.State.DONE, "", timezone.now()
        # A save, not an update: the published pages' cache renews on it and shows the bands.
        result.save(update_fields=["rows", "method", "state", "error", "finished_at"])
    return result


def _rank_bands(publication: Publication, *, seed: int, draws: int, spread: float) -> list[dict[str, object]]:
    """The bands of each peer group's DTI table, from the main-index values and maxima as published."""
    framework = publication.campaign.framework
    mains = list(framework.nodes.filter(kind=Node.Kind.MAIN).order_by("order").values_list("key", flat=True))
    column = {key: position for position, key in enumerate(mains)}
    figures = (
        PublishedResult.objects.filter(publication=publication, index__in=[DTI, *mains])
        .select_related("organisation")
        .order_by("group", "organisation__code")
    )
    ranked: dict[str, dict[str, PublishedResult]] = defaultdict(dict)
    values: dict[str, list[float]] = {}
    maxima: dict[str, list[float]] = {}
    for row in figures:
        code = row.organisation.code
        if row.index == DTI:
            if row.rank is not None and row.value is not None:
                ranked[row.group][code] = row
            continue
        value = row.value
        points = row.max_points or Decimal(0)
        values.setdefault(code, [math.nan] * len(mains))
        maxima.setdefault(code, [0.0] * len(mains))
        if value is not None and points > 0:
            values[code][column[row.index]] = float(value)
            maxima[code][column[row.index]] = float(points)
    found: list[dict[str, object]] = []
    for group in sorted(ranked, key=group_position):
        # A unit with no main index of any weight has nothing to rank again (it keeps its rank alone).
        in_order = sorted(ranked[group], key=lambda code: (ranked[group][code].rank, code))
        units = [code for code in in_order if any(points > 0 for points in maxima.get(code, []))]
        if not units:
            continue
        bands = robustness.rank_bands([values[code] for code in units], [maxima[code] for code in units],
                                      seed=seed, draws=draws, spread=spread, places=framework.precision)  # fmt: skip
        for position, code in enumerate(units):
            found.append({
                "organisation_code": code, "group": group, "rank": ranked[group][code].rank,
                "median_rank": int(bands.median[position]), "rank_p05": int(bands.p05[position]),
                "rank_p95": int(bands.p95[position]),
            })  # fmt: skip
    return found


def request_preview(publication: Publication) -> None:
    """Queue the social-preview image of a publication's table once the transaction commits (publishing
    calls it). Building it again is harmless: a built image is left alone."""
    publication_id = publication.pk
    transaction.on_commit(lambda: _queue_preview(publication_id))


def _queue_preview(publication_id: int) -> None:
    from .tasks import build_preview_task

    try:
        build_preview_task.delay(publication_id=publication_id)
    except Exception:
        # The publication stands; its pages show the default image until `build_previews` is run.
        logger.exception("Could not build or queue the preview image of publication %s", publication_id)


def build_preview(*, publication_id: int, again: bool = False) -> SocialPreview:
    """Draw the publication's preview image (`rankings.previews`): the DTI of each group's leading units
    under the table's title, in the portal's language. Left alone when built, unless `again`."""
    publication = Publication.objects.select_related("campaign__framework").get(pk=publication_id)
    if not again and (found := SocialPreview.objects.filter(publication=publication).first()) is not None:
        return found
    with translation.override(settings.LANGUAGE_CODE):
        image = previews.draw(*preview_content(publication))
    with transaction.atomic():
        # A save, not an update: the published pages' cache renews on it and their og:image names it.
        preview, _created = SocialPreview.objects.select_for_update().get_or_create(
            publication=publication, defaults={"image": image}
        )
        if not _created:
            preview.image, preview.built_at = image, timezone.now()
            preview.save(update_fields=["image", "built_at"])
    return preview


def preview_content(publication: Publication) -> tuple[str, str, list[previews.Group]]:
    """The preview's title, subtitle and bars, in the active language."""
    campaign = publication.campaign
    places = campaign.framework.precision
    labels = dict(Organisation.Group.choices)
    groups = [
        previews.Group(str(labels.get(group, group)), [
            previews.Bar(row.name, float(row.value), format_number(row.value, places))
            for row in sorted(rows, key=lambda row: (row.rank is None, row.rank or 0)) if row.value is not None
        ])
        for group, rows in by_group(ranking_tables([(publication, None)])[0])
    ]  # fmt: skip
    title = _("DTI %(year)s — %(level)s") % {"year": campaign.year, "level": campaign.get_level_display()}
    subtitle = _("Chỉ số chuyển đổi số: các đơn vị dẫn đầu")
    if publication.is_trial:
        subtitle = f"{subtitle} ({_('chạy thử')})"
    return title, subtitle, [group for group in groups if group.bars]
