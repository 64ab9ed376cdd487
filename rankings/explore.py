"""The data explorer: one index of chosen units over the published years of one level, read from the
official published snapshots only (the newest version of each year), like the API.

What a level offers (its years, indices, units, peer groups and regions: the `Catalogue`) and every
unit's figures for one index over those years (the `Series`) are built once per publication
generation and kept in the published-answers cache (`rankings.caching`); a selection is then picked
from them without a query. A unit formed by merging (2025) continues its predecessors' line: in the
years before it existed its figure is derived from them (`queries.derived_figures`, the rule the
ranking tables use for its previous year) and marked derived, without a rank.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Organisation
from accounts.names import vietnamese_sort_key
from common.vocabulary import HEADLINE
from indicators.models import Aggregate, Node

from .caching import cached
from .models import DTI, Publication, PublishedResult
from .queries import derived_figures, group_position, latest_publications
from .ranking import round_value

# The kinds of index the explorer offers, in the order its choice lists them.
KINDS = ("dti", "pillar", Node.Kind.MAIN.value, Node.Kind.COMPONENT.value)


@dataclass(frozen=True)
class IndexChoice:
    index: str
    label: str
    kind: str
    # The years it is published in, when not every year of the level: frameworks change, and a main
    # index's code names another index under another framework.
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class UnitChoice:
    organisation: Organisation
    # The unit's name in the latest year it is published.
    name: str
    # Its peer group in each year it is published.
    groups: dict[int, str]
    # The years it existed, where they do not span the level's published years: what tells the two
    # Đà Nẵng apart ("TP. Đà Nẵng (đến 2024)", "Đà Nẵng (từ 2025)").
    since: int | None = None
    until: int | None = None

    @property
    def code(self) -> str:
        return self.organisation.code

    @property
    def region(self) -> str:
        return self.organisation.region.code if self.organisation.region else ""


@dataclass(frozen=True)
class Catalogue:
    """What one level's published years offer the explorer."""

    level: str
    # The newest official publication of each year, oldest year first.
    publications: list[Publication]
    indices: list[IndexChoice]
    units: list[UnitChoice]
    # (value, region name) of the units' regions, in their order.
    regions: list[tuple[str, str]]

    @property
    def years(self) -> list[int]:
        return [publication.campaign.year for publication in self.publications]

    @property
    def groups(self) -> list[str]:
        found = {group for unit in self.units for group in unit.groups.values()}
        return sorted(found, key=group_position)

    def unit(self, code: str) -> UnitChoice | None:
        return next((unit for unit in self.units if unit.code == code), None)

    def index(self, index: str) -> IndexChoice | None:
        return next((choice for choice in self.indices if choice.index == index), None)


@dataclass(frozen=True)
class Point:
    """A unit's figure for an index in one year: its own, or derived from its predecessors'."""

    value: Decimal | None
    rank: int | None
    group: str
    derived: bool = False


# Every unit's figures for one index: by unit code, then year.
Series = dict[str, dict[int, Point]]


@dataclass(frozen=True)
class Selection:
    """What the explorer shows, as its URL says (`rankings.forms.ExploreForm` reads it)."""

    level: str = Organisation.Level.PROVINCE.value
    index: str = DTI
    units: tuple[str, ...] = ()
    group: str = ""
    region: str = ""
    # None chosen: every published year.
    years: tuple[int, ...] = ()
    # The bar chart's year; None: the latest year shown.
    year: int | None = None

    def parameters(self, *, bar_year: bool = True) -> list[tuple[str, str]]:
        """The query parameters that name this selection, in a fixed order (the API's: without `year`)."""
        found = [("level", self.level), ("index", self.index), *(("units", code) for code in self.units)]
        found += [(name, value) for name, value in (("group", self.group), ("region", self.region)) if value]
        found += [("years", str(year)) for year in self.years]
        if bar_year and self.year is not None:
            found.append(("year", str(self.year)))
        return found

    def key(self) -> tuple[object, ...]:
        return (self.level, self.index, self.units, self.group, self.region, self.years, self.year)


@dataclass(frozen=True)
class ExploreRow:
    """One unit's figure in one year, as the table, the downloads and the API give it."""

    organisation_code: str
    # The unit's name in that year (a renamed unit's names follow the years).
    organisation_name: str
    group: str
    year: int
    value: Decimal | None
    rank: int | None
    derived: bool


@dataclass
class Explored:
    """A selection picked from its level's catalogue and series."""

    catalogue: Catalogue
    selection: Selection
    index: IndexChoice
    years: list[int]
    bar_year: int | None
    # The units shown, in the table's order, each with its figures by year.
    units: list[tuple[UnitChoice, dict[int, Point]]] = field(default_factory=list)

    @property
    def publications(self) -> list[Publication]:
        return [p for p in self.catalogue.publications if p.campaign.year in self.years]

    def rows(self) -> list[ExploreRow]:
        """Unit by unit in the table's order, then year by year; a year without a figure has no row."""
        return [
            ExploreRow(unit.code, unit.organisation.short_name_in(year), point.group, year, point.value, point.rank,
                       point.derived)
            for unit, points in self.units
            for year in self.years
            if (point := points.get(year)) is not None
        ]  # fmt: skip


def catalogue(level: str) -> Catalogue:
    """The level's catalogue, from the cache: built once per publication generation, in five queries."""
    return cached(("explore-catalogue", level), lambda: _catalogue(level)).body


def series(level: str, index: str) -> Series:
    """Every unit's figures for `index` over the level's published years, from the cache: built once per
    publication generation, in one query, and four more where merged units continue their
    predecessors' lines."""
    return cached(("explore-series", level, index), lambda: _series(catalogue(level), index)).body


def explore(selection: Selection) -> Explored:
    """The selection, picked from the cached catalogue and series (no query once they are built).

    The units are those named, and every unit published in the group or of the region in the years
    chosen; none of these named: every unit published in those years. A named unit formed by merging
    shows its derived figures in the years before it existed.
    """
    found = catalogue(selection.level)
    index = found.index(selection.index) or IndexChoice(selection.index, selection.index, "")
    years = [year for year in found.years if not selection.years or year in selection.years]
    figures = series(selection.level, selection.index) if found.publications else {}
    chosen = set(selection.units)
    everything = not (selection.units or selection.group or selection.region)
    units = []
    for unit in found.units:
        published = [year for year in years if year in unit.groups]
        if (
            unit.code in chosen
            or (published and (everything or (bool(selection.region) and unit.region == selection.region)))
            or (selection.group and any(unit.groups[year] == selection.group for year in published))
        ):
            own = figures.get(unit.code, {})
            units.append((unit, {year: own[year] for year in years if year in own}))
    bar_year = selection.year if selection.year is not None else (years[-1] if years else None)

    def position(item: tuple[UnitChoice, dict[int, Point]]) -> tuple[bool, Decimal, tuple[object, ...]]:
        point = item[1].get(bar_year) if bar_year is not None else None
        value = point.value if point is not None else None
        return (value is None, -(value or Decimal(0)), vietnamese_sort_key(item[0].name))

    return Explored(found, selection, index, years, bar_year, sorted(units, key=position))


def _catalogue(level: str) -> tuple[Catalogue, list[Publication]]:
    publications = sorted(latest_publications(Publication.objects.official(), level), key=lambda p: p.campaign.year)
    year_of = {publication.pk: publication.campaign.year for publication in publications}
    organisations: dict[int, Organisation] = {}
    groups: dict[int, dict[int, str]] = defaultdict(dict)
    rows = PublishedResult.objects.filter(publication__in=publications, index=DTI)
    for row in rows.select_related("organisation__region"):
        organisations[row.organisation_id] = row.organisation
        groups[row.organisation_id][year_of[row.publication_id]] = row.group
    years = sorted(year_of.values())
    units = []
    for pk, organisation in organisations.items():
        published = groups[pk]
        since, until = organisation.valid_from, organisation.valid_to
        units.append(UnitChoice(organisation, organisation.short_name_in(max(published)), published,
                                since if since is not None and since > years[0] else None,
                                until if until is not None and until < years[-1] else None))  # fmt: skip
    units.sort(key=lambda unit: (vietnamese_sort_key(unit.name), unit.since or 0))
    regions = {region.pk: region for unit in units if (region := unit.organisation.region) is not None}
    ordered = sorted(regions.values(), key=lambda region: (region.order, region.code))
    found = Catalogue(level, publications, _indices(publications), units,
                      [(region.code, region.name) for region in ordered])  # fmt: skip
    return found, publications


def _indices(publications: list[Publication]) -> list[IndexChoice]:
    """The DTI, the pillars, the main indices and the components the publications hold, each named and
    placed as the newest framework publishing it names and places it."""
    if not publications:
        return []
    year_of = {publication.pk: publication.campaign.year for publication in publications}
    years_of: dict[str, set[int]] = defaultdict(set)
    published = PublishedResult.objects.filter(publication__in=publications)
    for publication_id, index in published.values_list("publication_id", "index").distinct().order_by():
        years_of[index].add(year_of[publication_id])
    # Newest first: the frameworks of the publications, by the latest year each was used.
    frameworks = list(dict.fromkeys(p.campaign.framework_id for p in reversed(publications)))
    age = {framework: position for position, framework in enumerate(frameworks)}
    aggregates = Aggregate.objects.filter(framework_id__in=frameworks, code__in=list(years_of)).exclude(code=HEADLINE)
    nodes = Node.objects.filter(framework_id__in=frameworks, key__in=list(years_of),
                                kind__in=[Node.Kind.MAIN, Node.Kind.COMPONENT])  # fmt: skip
    candidates = [
        *((a.framework_id, "pillar", a.code, a.order, a.name) for a in aggregates.order_by()),
        *((n.framework_id, n.kind, n.key, n.order, _node_label(n)) for n in nodes.select_related("parent").order_by()),
    ]
    # index → (kind, framework's age, order, label); the oldest first, so that a newer framework's wins.
    named: dict[str, tuple[int, int, int, str]] = {}
    for framework, kind, index, order, label in sorted(candidates, key=lambda found: -age[found[0]]):
        named[index] = (KINDS.index(kind), age[framework], order, label)
    every_year = set(year_of.values())
    choices = [IndexChoice(DTI, "DTI", "dti", _unless(years_of[DTI], every_year))] if DTI in years_of else []
    for index, (position, _age, _order, label) in sorted(named.items(), key=lambda item: item[1]):
        choices.append(IndexChoice(index, label, KINDS[position], _unless(years_of[index], every_year)))
    return choices


def _node_label(node: Node) -> str:
    """ "1. Nhận thức số"; under a framework whose codes repeat in each pillar (2020), with its pillar:
    "Chính quyền số — 1. Chuyển đổi nhận thức"."""
    label = f"{node.code}. {node.name}"
    return f"{node.parent.name} — {label}" if node.key != node.code and node.parent is not None else label


def _unless(years: set[int], every_year: set[int]) -> tuple[int, ...]:
    """The years an index is published in, or () when it is published in every year."""
    return () if years == every_year else tuple(sorted(years))


def _series(found: Catalogue, index: str) -> tuple[Series, list[Publication]]:
    publications = found.publications
    year_of = {publication.pk: publication.campaign.year for publication in publications}
    precision = {publication.pk: publication.campaign.framework.precision for publication in publications}
    code_of = {unit.organisation.pk: unit.code for unit in found.units}
    figures: Series = defaultdict(dict)
    rows = PublishedResult.objects.filter(publication__in=publications, index=index)
    for row in rows.only("publication_id", "organisation_id", "group", "published_value", "computed_value", "rank"):
        code = code_of.get(row.organisation_id)
        if code is not None:
            value = round_value(row.value, precision[row.publication_id]) if row.value is not None else None
            figures[code][year_of[row.publication_id]] = Point(value, row.rank, row.group)
    # The units formed by merging, in the years before they existed.
    formed = {unit.organisation.pk: (unit, since) for unit in found.units
              if (since := unit.organisation.valid_from) is not None}  # fmt: skip
    earlier = [p for p in publications if any(p.campaign.year < since for _unit, since in formed.values())]
    for (publication_id, pk), previous in derived_figures(earlier, index, list(formed)).items():
        unit, since = formed[pk]
        year = year_of[publication_id]
        if previous.value is not None and year < since and year not in figures[unit.code]:
            value = round_value(previous.value, precision[publication_id])
            figures[unit.code][year] = Point(value, None, unit.organisation.group, derived=True)
    return dict(figures), publications
