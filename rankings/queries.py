"""Reading published results: tables, year-over-year changes, summaries, profiles and the method.

Everything here reads published snapshots only (Publication, PublishedResult), never a campaign's
working results: what the public sees is what was published.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from accounts.models import Organisation
from common.vocabulary import HEADLINE
from indicators.models import Node
from scoring.engine import aggregate_main_values

from .models import DTI, NEWEST_FIRST, Publication, PublicationQuerySet, PublishedResult, result_key
from .ranking import round_value

HALF = Decimal("0.5")

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


def indices_of(publication: Publication) -> list[tuple[str, str]]:
    """(index, label) of the DTI, the pillars and the main indices published, in framework order."""
    framework = publication.campaign.framework
    published = set(PublishedResult.objects.filter(publication=publication).values_list("index", flat=True).distinct())
    found = [(DTI, HEADLINE)]
    for aggregate in framework.aggregates.order_by("order", "code"):
        if aggregate.code != HEADLINE and aggregate.code in published:
            found.append((aggregate.code, aggregate.name))
    for node in framework.nodes.filter(kind=Node.Kind.MAIN).order_by("order"):
        if node.key in published:
            found.append((node.key, f"{node.code}. {node.name}"))
    return found


def previous_figures(publication: Publication, index: str) -> dict[int, Previous]:
    """Each unit's figure for `index` in the previous year's newest publication of the same level.

    A unit formed by merging (2025) has no figure of its own: its previous figure is derived from
    the mean of its predecessors' main-index values, aggregated with the previous framework's points
    (the rule used for DTI 2024), and carries no rank.
    """
    campaign = publication.campaign
    # Against the official result only: a trial is never anyone's previous year.
    before = Publication.objects.official().latest_for(year=campaign.year - 1, level=campaign.level)
    if before is None:
        return {}
    rows = PublishedResult.objects.filter(publication=before).select_related("organisation")
    by_unit: dict[int, dict[str, PublishedResult]] = defaultdict(dict)
    for row in rows:
        by_unit[row.organisation_id][row.index] = row
    figures = {
        unit: Previous(indices[index].value, indices[index].rank)
        for unit, indices in by_unit.items()
        if index in indices
    }
    current = Organisation.objects.filter(published_results__publication=publication).distinct()
    framework = before.campaign.framework
    mains = {node.key: node.max_points or Decimal(0) for node in framework.nodes.filter(kind=Node.Kind.MAIN)}
    aggregates = {
        aggregate.code: tuple(aggregate.main_indices.values_list("key", flat=True))
        for aggregate in framework.aggregates.all()
    }
    for unit in current.prefetch_related("predecessors"):
        if unit.pk in figures:
            continue
        predecessors = [by_unit[p.pk] for p in unit.predecessors.all() if p.pk in by_unit]
        if not predecessors:
            continue
        means: dict[str, Decimal] = {}
        for key in mains:
            values = [value for rows_ in predecessors if key in rows_ and (value := rows_[key].value) is not None]
            if values:
                means[key] = sum(values, Decimal(0)) / len(values)
        if index in mains:
            value = means.get(index)
        else:
            aggregated = aggregate_main_values(mains, aggregates, means)
            result = aggregated.get(result_key(index))
            value = result.value if result else None
        figures[unit.pk] = Previous(value, None, derived=True)
    return figures


def ranking_table(publication: Publication, index: str = DTI, group: str | None = None) -> list[TableRow]:
    """Every unit of the publication (or of one group) for one index, by group and rank."""
    rows: QuerySet[PublishedResult] = (
        PublishedResult.objects.filter(publication=publication, index=index)
        .select_related("organisation__region")
        .order_by("group", "rank", "organisation__short_name")
    )
    if group:
        rows = rows.filter(group=group)
    previous = previous_figures(publication, index)
    return [
        TableRow(row.organisation, row.group, row.value, row.computed_value, row.rank, row.score, row.max_points,
                 previous.get(row.organisation_id), row.organisation.short_name_in(publication.campaign.year))
        for row in rows
    ]  # fmt: skip


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
    group = (
        PublishedResult.objects.filter(publication=publication, organisation=organisation)
        .values_list("group", flat=True)
        .first()
    )
    if group is None:
        return []
    rows = list(PublishedResult.objects.filter(publication=publication, group=group))
    by_index: dict[str, list[PublishedResult]] = defaultdict(list)
    for row in rows:
        by_index[row.index].append(row)
    labels = dict(indices_of(publication))
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
    order = {index: position for position, (index, _label) in enumerate(indices_of(publication))}
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
    predecessors = list(organisation.predecessors.values_list("pk", flat=True))
    history = []
    for publication in sorted(latest_publications(among, organisation.level), key=lambda p: p.campaign.year):
        rows = {
            row.organisation_id: row
            for row in PublishedResult.objects.filter(
                publication=publication, index=DTI, organisation_id__in=[organisation.pk, *predecessors]
            )
        }
        if organisation.pk in rows:
            row = rows[organisation.pk]
            history.append(HistoryPoint(publication.campaign.year, row.value, row.rank, False,
                                        publication.partial_note(), publication.is_trial))  # fmt: skip
        elif predecessors and any(pk in rows for pk in predecessors):
            values = [value for pk in predecessors if pk in rows and (value := rows[pk].value) is not None]
            mean = sum(values, Decimal(0)) / len(values) if values else None
            history.append(HistoryPoint(publication.campaign.year, mean, None, True, publication.partial_note(),
                                        publication.is_trial))  # fmt: skip
    return history


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
