"""Reading published results: tables, year-over-year changes, summaries, profiles and the method.

Everything here reads published snapshots only (Publication, PublishedResult), never a campaign's
working results: what the public sees is what was published.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery, Value

from accounts.models import Organisation
from common.vocabulary import HEADLINE
from indicators.models import Aggregate, Node
from scoring.engine import aggregate_main_values

from .models import DTI, NEWEST_FIRST, PrintedFigure, Publication, PublicationQuerySet, PublishedResult, result_key
from .ranking import round_value

HALF = Decimal("0.5")
# The levels whose units are ranked in tables; the national level's one unit, the country, is not.
RANKED_LEVELS = (Organisation.Level.PROVINCE, Organisation.Level.MINISTRY)

# Levels and peer groups in the order the report and the portal present them: provinces first, then
# the ministries providing public services (the report's tables 1–2) and those that do not (3–4).
LEVEL_ORDER = list(Organisation.Level.values)
GROUP_ORDER = list(Organisation.Group.values)


def group_position(group: str) -> tuple[int, str]:
    return (GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER), group)


@dataclass
class Previous:
    """A unit's figure in the previous year; `derived` when it is the mean of merged predecessors."""

    value: Decimal | None
    rank: int | None
    derived: bool = False


@dataclass
class TableRow:
    organisation: Organisation
    group: str
    value: Decimal | None
    computed_value: Decimal | None
    rank: int | None
    score: Decimal | None
    max_points: Decimal | None
    previous: Previous | None = None
    # The unit's name in the publication's year (a renamed unit's names follow the years).
    name: str = ""

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous year (positive is better); none for a derived figure."""
        if self.previous is None or self.previous.rank is None or self.rank is None or self.previous.derived:
            return None
        return self.previous.rank - self.rank

    @property
    def value_change(self) -> Decimal | None:
        if self.previous is None or self.previous.value is None or self.value is None:
            return None
        return self.value - self.previous.value


def latest_publications(among: PublicationQuerySet, level: str | None = None) -> list[Publication]:
    """The newest version of each published year (and level) `among` the publications a reader may see
    (`Publication.objects.official()` or `.visible_to(user)`): newest year first, provinces before
    ministries; for a year holding both, the official publication, not the trial."""
    found: dict[tuple[int, str], Publication] = {}
    publications = among.select_related("campaign__framework").order_by("-campaign__year", "campaign__level",
                                                                        *NEWEST_FIRST)  # fmt: skip
    if level:
        publications = publications.filter(campaign__level=level)
    for publication in publications:
        found.setdefault((publication.campaign.year, publication.campaign.level), publication)
    return sorted(found.values(), key=lambda p: (-p.campaign.year, LEVEL_ORDER.index(p.campaign.level)))


def previous_among(latest: list[Publication], publication: Publication) -> Publication | None:
    """`previous_publication` found in `latest`, the newest publication of each year and level among those a
    reader may see (`latest_publications`), without a query: where a year has an official publication,
    `latest` holds it rather than a trial's."""
    campaign = publication.campaign
    found = next((p for p in latest if (p.campaign.year, p.campaign.level) == (campaign.year - 1, campaign.level)),
                 None)  # fmt: skip
    return found if found is not None and not found.is_trial else None


def headline(publications: list[Publication]) -> Publication | None:
    """The publication a page opens on: the newest official one, or the newest trial when none is official."""
    return next((p for p in publications if not p.is_trial), publications[0] if publications else None)


def publication_for(
    among: PublicationQuerySet, year: int, level: str, version: int | None = None
) -> Publication | None:
    """A published year at a level `among` the publications a reader may see: its newest version, or the
    version asked for."""
    if version is None:
        return among.latest_for(year=year, level=level)
    return (
        among.filter(campaign__year=year, campaign__level=level, version=version)
        .select_related("campaign__framework")
        .order_by(*NEWEST_FIRST)
        .first()
    )


@dataclass
class Edition:
    """A published year at a level as a results page shows it: the version shown, every version of its
    campaign (oldest first), and the publication its changes are counted from (`previous`: the previous
    year's newest official publication at that level, or None)."""

    publication: Publication
    versions: list[Publication]
    previous: Publication | None
    # The year's national result, where asked for (`with_national`) and published: a page links to it.
    national: Publication | None = None

    @property
    def publications(self) -> list[Publication]:
        """Every publication the page reads: a new version of any of them changes what it shows."""
        return [
            *self.versions,
            *([self.previous] if self.previous else []),
            *([self.national] if self.national else []),
        ]


def edition(
    among: PublicationQuerySet, year: int, level: str, version: int | None = None, *, with_national: bool = False
) -> Edition | None:
    """`publication_for` with the publication's versions and its previous year (and with `with_national`, the
    year's newest national result), in one query."""
    wanted = among.filter(campaign__year=year, campaign__level=level) | Publication.objects.official().filter(
        campaign__year=year - 1, campaign__level=level
    )
    if with_national:
        wanted |= among.filter(campaign__year=year, campaign__level=Organisation.Level.NATIONAL)
    candidates = list(wanted.select_related("campaign__framework").order_by(*NEWEST_FIRST))
    national = next((p for p in candidates if p.campaign.level != level), None)
    candidates = [p for p in candidates if p.campaign.level == level]
    # In NEWEST_FIRST order, as `publication_for` picks: an official result before a trial, then the newest.
    this_year = [p for p in candidates if p.campaign.year == year and version in (None, p.version)]
    if not this_year:
        return None
    publication = this_year[0]
    versions = sorted((p for p in candidates if p.campaign_id == publication.campaign_id), key=lambda p: p.version)
    previous = next((p for p in candidates if p.campaign.year == year - 1), None)
    return Edition(publication, versions, previous, national)


def indices_of(publication: Publication) -> list[tuple[str, str]]:
    """(index, label) of the DTI, the pillars and the main indices published, in framework order."""
    framework = publication.campaign.framework
    published = PublishedResult.objects.filter(publication=publication)
    # One query: the framework's pillars and main indices that the publication has figures for.
    pillars = (
        framework.aggregates.exclude(code=HEADLINE)
        .filter(Exists(published.filter(index=OuterRef("code"))))
        .values_list(Value(0, output_field=IntegerField()), "order", "code", "code", "name")
        .order_by()
    )
    mains = (
        framework.nodes.filter(kind=Node.Kind.MAIN)
        .filter(Exists(published.filter(index=OuterRef("key"))))
        .values_list(Value(1, output_field=IntegerField()), "order", "key", "code", "name")
        .order_by()
    )
    found = [(DTI, HEADLINE)]
    for kind, _order, index, code, name in sorted(pillars.union(mains, all=True), key=lambda row: row[:3]):
        found.append((index, name if kind == 0 else f"{code}. {name}"))
    return found


def previous_publication(publication: Publication) -> Publication | None:
    """The previous year's newest publication of the same level that `publication`'s changes are counted
    from: the official result only, since a trial is never anyone's previous year."""
    campaign = publication.campaign
    return Publication.objects.official().latest_for(year=campaign.year - 1, level=campaign.level)


def previous_figures(
    before: Publication, index: str, rows_before: list[PublishedResult], units: list[Organisation]
) -> dict[int, Previous]:
    """Each of `units`' figure for `index` in `before`, the previous year's publication (`rows_before`: its
    rows for `index`); a unit formed by merging (2025), which has no figure of its own there, gets its
    `derived_figures`."""
    figures = {row.organisation_id: Previous(row.value, row.rank) for row in rows_before}
    missing = [unit.pk for unit in units if unit.pk not in figures]
    if not missing:
        return figures
    # Only a year after mergers reads further: the new units' predecessors and their figures.
    derived = derived_figures([before], index, missing)
    figures.update({unit: figure for (_publication, unit), figure in derived.items()})
    return figures


def derived_figures(publications: list[Publication], index: str, units: list[int]) -> dict[tuple[int, int], Previous]:
    """The figure for `index` of each of `units` (ids) formed by merging, in each of `publications`, years
    before the unit existed, keyed by (publication id, unit id): derived from the mean of its
    predecessors' main-index values there, aggregated with that publication's framework points (the
    rule used for DTI 2024), with no rank. A unit none of whose predecessors has figures in a
    publication has none there. Four queries at most, however many publications and units.
    """
    if not publications or not units:
        return {}
    links = Organisation.predecessors.through.objects.filter(from_organisation_id__in=units)
    predecessors_of: dict[int, list[int]] = defaultdict(list)
    for unit, predecessor in links.values_list("from_organisation_id", "to_organisation_id"):
        predecessors_of[unit].append(predecessor)
    if not predecessors_of:
        return {}
    frameworks = {publication.campaign.framework_id for publication in publications}
    mains_of: dict[int, dict[str, Decimal]] = defaultdict(dict)
    found_mains = Node.objects.filter(framework_id__in=frameworks, kind=Node.Kind.MAIN).order_by()
    for framework_id, key, points in found_mains.values_list("framework_id", "key", "max_points"):
        mains_of[framework_id][key] = points or Decimal(0)
    # The aggregate asked for (the DTI or a pillar), in each framework where `index` is not a main index.
    aggregates_of: dict[int, dict[str, tuple[str, ...]]] = defaultdict(dict)
    if any(index not in mains_of[framework] for framework in frameworks):
        members: dict[int, list[str]] = defaultdict(list)
        found_members = Aggregate.main_indices.through.objects.filter(
            aggregate__framework_id__in=frameworks, aggregate__code=result_key(index)
        ).order_by()
        for framework_id, key in found_members.values_list("aggregate__framework_id", "node__key"):
            members[framework_id].append(key)
        for framework_id, keys in members.items():
            aggregates_of[framework_id][result_key(index)] = tuple(keys)
    predecessors = {pk for pks in predecessors_of.values() for pk in pks}
    all_mains = {key for mains in mains_of.values() for key in mains}
    by_unit: dict[tuple[int, int], dict[str, PublishedResult]] = defaultdict(dict)
    figures_before = PublishedResult.objects.filter(
        publication__in=publications, index__in=all_mains, organisation_id__in=predecessors
    ).only("publication_id", "organisation_id", "index", "published_value", "computed_value")
    framework_of = {publication.pk: publication.campaign.framework_id for publication in publications}
    for row in figures_before:
        if row.index in mains_of[framework_of[row.publication_id]]:
            by_unit[row.publication_id, row.organisation_id][row.index] = row
    derived: dict[tuple[int, int], Previous] = {}
    for publication in publications:
        mains = mains_of[publication.campaign.framework_id]
        for unit, predecessor_ids in predecessors_of.items():
            figured = [by_unit[publication.pk, pk] for pk in predecessor_ids if (publication.pk, pk) in by_unit]
            if not figured:
                continue
            means: dict[str, Decimal] = {}
            for key in mains:
                values = [value for rows_ in figured if key in rows_ and (value := rows_[key].value) is not None]
                if values:
                    means[key] = sum(values, Decimal(0)) / len(values)
            if index in mains:
                value = means.get(index)
            else:
                aggregated = aggregate_main_values(mains, aggregates_of[publication.campaign.framework_id], means)
                result = aggregated.get(result_key(index))
                value = result.value if result else None
            derived[publication.pk, unit] = Previous(value, None, derived=True)
    return derived


def ranking_table(publication: Publication, index: str = DTI, group: str | None = None) -> list[TableRow]:
    """Every unit of the publication (or of one group) for one index, by group and rank."""
    return ranking_tables([(publication, previous_publication(publication))], index, group)[0]


def ranking_tables(
    editions: list[tuple[Publication, Publication | None]], index: str = DTI, group: str | None = None
) -> list[list[TableRow]]:
    """`ranking_table` of each (publication, the previous year's publication or None), in one query.

    A unit's previous figure is its figure in the previous year whatever its group was then.
    """
    wanted = Q()
    for publication, before in editions:
        wanted |= Q(publication=publication, **({"group": group} if group else {}))
        if before is not None:
            wanted |= Q(publication=before)
    rows: dict[int, list[PublishedResult]] = defaultdict(list)
    if editions:
        found = (
            PublishedResult.objects.filter(wanted, index=index)
            .select_related("organisation__region")
            .order_by("group", "rank", "organisation__short_name")
        )
        for row in found:
            rows[row.publication_id].append(row)
    tables = []
    for publication, before in editions:
        current = rows[publication.pk]
        units = [row.organisation for row in current]
        previous = previous_figures(before, index, rows[before.pk], units) if before is not None else {}
        year = publication.campaign.year
        tables.append([
            TableRow(row.organisation, row.group, row.value, row.computed_value, row.rank, row.score, row.max_points,
                     previous.get(row.organisation_id), row.organisation.short_name_in(year))
            for row in current
        ])  # fmt: skip
    return tables


def by_group(table: list[TableRow]) -> list[tuple[str, list[TableRow]]]:
    """The rows of each peer group, groups in the report's order: each group is a ranking of its own."""
    groups: dict[str, list[TableRow]] = defaultdict(list)
    for row in table:
        groups[row.group].append(row)
    return sorted(groups.items(), key=lambda item: group_position(item[0]))


@dataclass
class GroupSummary:
    group: str
    label: str
    count: int
    average: Decimal | None
    above_half: int
    above_average: int
    top: list[TableRow]
    most_improved: list[TableRow]
    average_change: Decimal | None
    regions: list[tuple[str, Decimal, int]] = field(default_factory=list)


def summarise(table: list[TableRow], places: int = 4) -> list[GroupSummary]:
    """Per group: the average, how many are above 0.5 and above the average (the report's summary
    sentences), the top 10, the most improved and, for provinces, the average per region."""
    labels = dict(Organisation.Group.choices)
    summaries = []
    for group, rows in by_group(table):
        values = [row.value for row in rows if row.value is not None]
        average = round_value(sum(values, Decimal(0)) / len(values), places) if values else None
        previous = [row.previous.value for row in rows if row.previous and row.previous.value is not None]
        average_change = (
            round_value(sum(values, Decimal(0)) / len(values) - sum(previous, Decimal(0)) / len(previous), places)
            if values and previous
            else None
        )
        improved = sorted((row for row in rows if row.value_change is not None),
                          key=lambda row: row.value_change or Decimal(0), reverse=True)  # fmt: skip
        regions: dict[str, list[Decimal]] = defaultdict(list)
        for row in rows:
            if row.organisation.region and row.value is not None:
                regions[row.organisation.region.name].append(row.value)
        summaries.append(
            GroupSummary(
                group=group,
                label=str(labels.get(group, group)),
                count=len(rows),
                average=average,
                above_half=sum(1 for value in values if round_value(value, places) > HALF),
                above_average=sum(
                    1 for value in values if average is not None and round_value(value, places) > average
                ),
                top=[row for row in rows if row.rank is not None][:10],
                most_improved=improved[:5],
                average_change=average_change,
                regions=sorted(
                    ((name, round_value(sum(v, Decimal(0)) / len(v), places), len(v)) for name, v in regions.items()),
                    key=lambda item: item[1],
                    reverse=True,
                ),
            )
        )
    return summaries


@dataclass
class ProfileRow:
    index: str
    label: str
    kind: str
    value: Decimal | None
    rank: int | None
    group_size: int
    group_average: Decimal | None
    score: Decimal | None
    max_points: Decimal | None

    @property
    def points_lost(self) -> Decimal | None:
        if self.score is None or self.max_points is None:
            return None
        return self.max_points - self.score

    @property
    def against_average(self) -> Decimal | None:
        if self.value is None or self.group_average is None:
            return None
        return self.value - self.group_average


def unit_profile(publication: Publication, organisation: Organisation) -> list[ProfileRow]:
    """The unit's value and rank on every published index, with its group's average: its group as
    published, the one its ranks were given in."""
    places = publication.campaign.framework.precision
    group = PublishedResult.objects.filter(publication=publication, organisation=organisation).values("group")[:1]
    rows = list(PublishedResult.objects.filter(publication=publication, group=Subquery(group)))
    if not rows:
        return []
    by_index: dict[str, list[PublishedResult]] = defaultdict(list)
    for row in rows:
        by_index[row.index].append(row)
    indices = indices_of(publication)
    labels = dict(indices)
    nodes = {node.key: node for node in publication.campaign.framework.nodes.all()}
    profile = []
    for index, members in by_index.items():
        own = next((row for row in members if row.organisation_id == organisation.pk), None)
        if own is None:
            continue
        values = [row.value for row in members if row.value is not None]
        node = nodes.get(index)
        kind = "dti" if index == DTI else (node.kind if node else "pillar")
        label = labels.get(index) or (f"{node.code}. {node.name}" if node else index)
        profile.append(ProfileRow(index, label, kind, own.value, own.rank, len(members),
                                  round_value(sum(values, Decimal(0)) / len(values), places) if values else None,
                                  own.score, own.max_points))  # fmt: skip
    order = {index: position for position, (index, _label) in enumerate(indices)}
    node_order = {key: node.order for key, node in nodes.items()}
    profile.sort(key=lambda row: (order.get(row.index, 1000), node_order.get(row.index, 0)))
    return profile


@dataclass
class HistoryPoint:
    year: int
    value: Decimal | None
    rank: int | None
    derived: bool
    partial_note: str = ""  # the year's publication lacks units: its rank is not the year's
    trial: bool = False  # the year's publication is a trial's, shown to signed-in users only


def unit_history(organisation: Organisation, among: PublicationQuerySet) -> list[HistoryPoint]:
    """The unit's DTI over every year of its level published `among` the publications a reader may see,
    its predecessors' mean where it did not exist yet (marked derived); a trial's year is marked."""
    return unit_years(organisation, among).history


@dataclass
class UnitYears:
    """Where a unit appears among the publications a reader may see: the newest publication of each year
    of its level holding its results (newest year first), and its DTI over the years."""

    publications: list[Publication]
    history: list[HistoryPoint]
    predecessors: list[int]
    # Every publication looked at: the newest of each year of the unit's level.
    read: list[Publication]


def unit_years(organisation: Organisation, among: PublicationQuerySet) -> UnitYears:
    """The publications holding the unit's results and its `unit_history`, in three queries."""
    predecessors = list(organisation.predecessors.values_list("pk", flat=True))
    latest = latest_publications(among, organisation.level)
    rows: dict[int, dict[int, PublishedResult]] = defaultdict(dict)
    holding: set[int] = set()
    found = PublishedResult.objects.filter(publication__in=latest, organisation_id__in=[organisation.pk, *predecessors])
    for row in found.only("publication_id", "organisation_id", "index", "published_value", "computed_value", "rank"):
        if row.organisation_id == organisation.pk:
            holding.add(row.publication_id)
        if row.index == DTI:
            rows[row.publication_id][row.organisation_id] = row
    history = []
    for publication in sorted(latest, key=lambda p: p.campaign.year):
        dti = rows[publication.pk]
        if organisation.pk in dti:
            row = dti[organisation.pk]
            history.append(HistoryPoint(publication.campaign.year, row.value, row.rank, False,
                                        publication.partial_note(), publication.is_trial))  # fmt: skip
        elif predecessors and any(pk in dti for pk in predecessors):
            values = [value for pk in predecessors if pk in dti and (value := dti[pk].value) is not None]
            mean = sum(values, Decimal(0)) / len(values) if values else None
            history.append(HistoryPoint(publication.campaign.year, mean, None, True, publication.partial_note(),
                                        publication.is_trial))  # fmt: skip
    return UnitYears([p for p in latest if p.pk in holding], history, predecessors, latest)


def strengths_and_weaknesses(profile: list[ProfileRow], count: int = 3) -> tuple[list[ProfileRow], list[ProfileRow]]:
    """Main indices (and components where published): the strengths, the highest values, and the
    weaknesses, the most points lost. An index is one or the other, never both: the weaknesses (what a
    unit's plan works on) are taken first, the strengths from the rest, each list at most half of them.
    """
    parts = [row for row in profile if row.kind in ("main", "component") and row.value is not None and row.max_points]
    room = min(count, len(parts) // 2)
    losing = [row for row in parts if (row.points_lost or Decimal(0)) > 0]
    weakest = sorted(losing, key=lambda row: row.points_lost or Decimal(0), reverse=True)[:room]
    others = [row for row in parts if row not in weakest and (row.value or Decimal(0)) > 0]
    strongest = sorted(others, key=lambda row: row.value or Decimal(0), reverse=True)[:room]
    return strongest, weakest


@dataclass(frozen=True)
class Stated:
    """A figure as a page shows it: the one the source prints where it prints one (with where), else the
    one the portal computes from the published rows; both kept, so that a page can say which it shows."""

    printed: PrintedFigure | None
    computed: Decimal | None

    @property
    def value(self) -> Decimal | None:
        return self.printed.value if self.printed is not None else self.computed

    @property
    def differs(self) -> bool:
        """The portal's figure is not the printed one (the printed one is shown)."""
        return self.printed is not None and self.computed is not None and self.computed != self.printed.value


@dataclass
class NationalPoint:
    """One year of the national DTI over the years: the country's value (where a national result is
    published) beside each peer group's average DTI."""

    year: int
    publication: Publication | None
    value: Decimal | None
    # Every group of the overview's, with no value in a year it has none.
    averages: dict[str, Stated]

    @property
    def trial(self) -> bool:
        return self.publication is not None and self.publication.is_trial


@dataclass
class NationalOverview:
    """The national DTI of every published year beside the peer groups' averages, oldest year first."""

    points: list[NationalPoint]
    # The peer groups with an average in some year, in the report's order, with their names.
    groups: list[tuple[str, str]]
    # Every publication read: the national ones and the tables the averages are computed from.
    read: list[Publication]

    @property
    def published(self) -> list[NationalPoint]:
        """The years with a national result."""
        return [point for point in self.points if point.publication is not None]

    def chart(self, national_label: str) -> dict[str, object]:
        """The line chart's data: one series for the country, one per group (null where a year has none)."""

        def numbers(values: list[Decimal | None]) -> list[float | None]:
            return [float(value) if value is not None else None for value in values]

        series = [{"label": national_label, "values": numbers([point.value for point in self.points])}]
        for group, label in self.groups:
            values = [point.averages[group].value for point in self.points]
            series.append({"label": label, "values": numbers(values)})
        return {"labels": [str(point.year) for point in self.points], "series": series}


def national_overview(among: PublicationQuerySet, latest: list[Publication] | None = None) -> NationalOverview:
    """The national DTI over the years `among` the publications a reader may see, beside the average DTI of
    each peer group of the ranked levels: the average the national result's source prints for that year
    where it prints one, else the mean of the group's published DTI values (at the framework's precision).

    Three queries, one fewer given `latest` (`latest_publications(among)`); none but that one while no
    national result is published, since the overview is then of nothing."""
    latest = latest_publications(among) if latest is None else latest
    national = {p.campaign.year: p for p in latest if p.campaign.level == Organisation.Level.NATIONAL}
    if not national:
        return NationalOverview([], [], [])
    tables = [p for p in latest if p.campaign.level in RANKED_LEVELS]
    values: dict[int, Decimal | None] = {}
    members: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    year_of = {p.pk: p.campaign.year for p in latest}
    rows = PublishedResult.objects.filter(publication__in=[*national.values(), *tables], index=DTI)
    for row in rows.only("publication_id", "group", "published_value", "computed_value"):
        if row.group == Organisation.Group.NATIONAL:
            values[year_of[row.publication_id]] = row.value
        elif row.value is not None:
            members[(year_of[row.publication_id], row.group)].append(row.value)
    places = {p.campaign.year: p.campaign.framework.precision for p in tables}
    computed = {key: round_value(sum(found, Decimal(0)) / len(found), places[key[0]]) for key, found in members.items()}
    printed = {
        (year_of[figure.publication_id], figure.group): figure
        for figure in PrintedFigure.objects.filter(
            publication__in=list(national.values()), kind=PrintedFigure.Kind.GROUP_AVERAGE
        )
    }
    labels = dict(Organisation.Group.choices)
    groups = sorted({group for _year, group in [*computed, *printed]}, key=group_position)
    years = sorted({*national, *(p.campaign.year for p in tables)})
    points = [
        NationalPoint(
            year=year,
            publication=national.get(year),
            value=values.get(year),
            averages={group: Stated(printed.get((year, group)), computed.get((year, group))) for group in groups},
        )
        for year in years
    ]
    return NationalOverview(points, [(group, str(labels.get(group, group))) for group in groups],
                            [*national.values(), *tables])  # fmt: skip


@dataclass
class NationalIndex:
    """One published index of the country: the DTI, a pillar or a national index, with its previous year."""

    index: str
    label: str
    kind: str
    value: Decimal | None
    score: Decimal | None
    max_points: Decimal | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return self.value - self.previous if self.value is not None and self.previous is not None else None

    @property
    def growth(self) -> Decimal | None:
        """The change in per cent of the previous year's value, to one decimal (0,4858 → 0,6110: 25,8)."""
        change = self.change
        return round_value(change * 100 / self.previous, 1) if change is not None and self.previous else None


@dataclass
class NationalEdition:
    """A published year of the national DTI as its page shows it."""

    edition: Edition
    indices: list[NationalIndex]
    # What the source prints about the year, by kind and group ("" but for a group's average).
    printed: dict[tuple[str, str], PrintedFigure]

    @property
    def dti(self) -> NationalIndex | None:
        return next((item for item in self.indices if item.index == DTI), None)

    @property
    def national_indices(self) -> list[NationalIndex]:
        """The national indices the framework has and the publication gives a value for, in its order."""
        return [item for item in self.indices if item.kind == Node.Kind.MAIN]

    @property
    def index_count(self) -> Stated:
        printed = self.printed.get((PrintedFigure.Kind.INDICES, ""))
        found = self.national_indices
        return Stated(printed, Decimal(len(found)) if found else None)

    @property
    def above_half(self) -> Stated:
        """How many national indices are above 0,5 (at the published precision)."""
        printed = self.printed.get((PrintedFigure.Kind.INDICES_ABOVE_HALF, ""))
        values = [item.value for item in self.national_indices if item.value is not None]
        places = self.edition.publication.campaign.framework.precision
        count = sum(1 for value in values if round_value(value, places) > HALF)
        return Stated(printed, Decimal(count) if values else None)

    @property
    def share_above_half(self) -> Decimal | None:
        """The share of the national indices above 0,5, in per cent to one decimal (15 of 24: 62,5)."""
        above, total = self.above_half.value, self.index_count.value
        return round_value(above * 100 / total, 1) if above is not None and total else None


def national_edition(among: PublicationQuerySet, year: int, version: int | None = None) -> NationalEdition | None:
    """A published year of the national DTI `among` the publications a reader may see (its newest version,
    or the one asked for): every index published for the country, in the framework's order, with the
    previous year's figure; what its source prints about the year."""
    found = edition(among, year, Organisation.Level.NATIONAL, version)
    if found is None:
        return None
    publication, before = found.publication, found.previous
    rows = PublishedResult.objects.filter(publication__in=[publication, *([before] if before else [])])
    by_publication: dict[int, dict[str, PublishedResult]] = defaultdict(dict)
    for row in rows.filter(group=Organisation.Group.NATIONAL):
        by_publication[row.publication_id][row.index] = row
    current, previous = by_publication[publication.pk], by_publication[before.pk] if before else {}
    kinds = dict(publication.campaign.framework.nodes.values_list("key", "kind"))
    indices = []
    for index, label in indices_of(publication):
        own = current.get(index)
        if own is None:
            continue
        kind = "dti" if index == DTI else kinds.get(index, "pillar")
        earlier = previous.get(index)
        indices.append(NationalIndex(index, label, kind, own.value, own.score, own.max_points,
                                     earlier.value if earlier else None))  # fmt: skip
    printed = {(figure.kind, figure.group): figure for figure in publication.printed_figures.all()}
    return NationalEdition(found, indices, printed)
