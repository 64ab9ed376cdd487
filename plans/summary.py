"""What a plan is generated from: a unit's latest final or published result, read into plain rows.

Section II of seed 003's plan restates the unit's values and ranks for the DTI, the pillars and the main
indices against the previous year and the peer group's average; section III lists, per main index, the
components with their maximum against the points reached and why points were lost. `plan_source` finds
the result to start from; `summary_rows` and `plan_items` read those two sections from it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts.models import Organisation
from common.vocabulary import HEADLINE
from indicators.models import Aggregate, Node
from rankings.models import DTI, Publication, PublishedResult
from rankings.queries import previous_publication, unit_profile
from rankings.ranking import competition_ranks, round_value
from scoring.models import Result
from scoring.reports import points_lost
from submissions.models import SETTLED_STATES, Campaign, FocusIndex, Submission

from .models import ImprovementPlan, PlanItem, PlanSource

ZERO = Decimal(0)


@dataclass(frozen=True)
class Source:
    """The assessment a plan starts from: a settled submission (with its components' scores), the
    official publication of its year, or both."""

    organisation: Organisation
    campaign: Campaign
    submission: Submission | None
    publication: Publication | None

    @property
    def kind(self) -> PlanSource:
        return PlanSource.PUBLISHED if self.publication is not None else PlanSource.FINAL

    def note(self) -> str:
        if self.publication is not None:
            return _("Kết quả DTI %(year)s công bố ngày %(date)s") % {
                "year": self.campaign.year,
                "date": self.publication.published_at.strftime("%d/%m/%Y"),
            }
        return _("Kết quả thẩm định cuối cùng DTI %(year)s (chưa công bố)") % {"year": self.campaign.year}


def plan_source(organisation: Organisation) -> Source | None:
    """The unit's newest assessment with a final or published result; for one year, its settled
    submission (which knows every component) together with that year's publication when there is one."""
    submission = (
        Submission.objects.filter(organisation=organisation, state__in=SETTLED_STATES, campaign__is_trial=False)
        .select_related("campaign__framework")
        .order_by("-campaign__year", "-campaign__opened_at")
        .first()
    )
    publication = (
        Publication.objects.official()
        .filter(campaign__level=organisation.level, results__organisation=organisation)
        .select_related("campaign__framework")
        .order_by("-campaign__year", "-published_at", "-version")
        .first()
    )
    if submission is None and publication is None:
        return None
    if publication is not None and (submission is None or publication.campaign.year > submission.campaign.year):
        return Source(organisation, publication.campaign, None, publication)
    assert submission is not None
    same_year = publication if publication is not None and publication.campaign_id == submission.campaign_id else None
    return Source(organisation, submission.campaign, submission, same_year)


@dataclass
class SummaryRow:
    """One index of section II: the unit's value and rank, the previous year's, and the group's average."""

    index: str
    label: str
    kind: str
    value: Decimal | None
    rank: int | None
    group_size: int
    group_average: Decimal | None
    previous_value: Decimal | None = None
    previous_rank: int | None = None

    def stored(self) -> dict[str, object]:
        row = asdict(self)
        for name in ("value", "group_average", "previous_value"):
            row[name] = None if row[name] is None else str(row[name])
        return row

    @classmethod
    def of(cls, stored: dict[str, object]) -> SummaryRow:
        row = dict(stored)
        for name in ("value", "group_average", "previous_value"):
            row[name] = None if row[name] is None else Decimal(str(row[name]))
        return cls(**row)  # type: ignore[arg-type]

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous year (positive: up), as seed 003's "Tăng/giảm" row."""
        return None if self.rank is None or self.previous_rank is None else self.previous_rank - self.rank

    @property
    def value_change(self) -> Decimal | None:
        return None if self.value is None or self.previous_value is None else self.value - self.previous_value


def summary_rows(source: Source) -> list[SummaryRow]:
    """Section II: the DTI, each pillar and main index with value, rank and the group's average, and the
    previous year's official value and rank."""
    if source.publication is not None:
        rows = [
            SummaryRow(row.index, row.label, row.kind, row.value, row.rank, row.group_size, row.group_average)
            for row in unit_profile(source.publication, source.organisation)
        ]
        before = previous_publication(source.publication)
    else:
        rows = _computed_rows(source)
        before = Publication.objects.official().latest_for(year=source.campaign.year - 1, level=source.campaign.level)
    # A node worth nothing (Đô thị thông minh, 0 points in 2021) has neither value nor rank.
    rows = [row for row in rows if row.value is not None or row.rank is not None]
    if before is not None:
        previous = {row.index: row for row in unit_profile(before, source.organisation)}
        for row in rows:
            if (earlier := previous.get(row.index)) is not None:
                row.previous_value, row.previous_rank = earlier.value, earlier.rank
    return rows


def _computed_rows(source: Source) -> list[SummaryRow]:
    """Section II from a campaign's final results before they are published: ranks in the unit's peer group."""
    campaign, organisation = source.campaign, source.organisation
    places = campaign.framework.precision
    peers = list(
        Submission.objects.filter(campaign=campaign, organisation__group=organisation.group).values_list(
            "organisation_id", flat=True
        )
    )
    aggregates = list(Aggregate.objects.filter(framework=campaign.framework).order_by("order"))
    mains = list(Node.objects.filter(framework=campaign.framework, kind=Node.Kind.MAIN).order_by("order"))
    labels = [(HEADLINE, _("Chỉ số DTI"), DTI)]
    labels += [(item.code, item.name, "pillar") for item in aggregates if item.code != HEADLINE]
    labels += [(node.key, f"{node.code}. {node.name}", Node.Kind.MAIN) for node in mains]
    values: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
    keys = [label[0] for label in labels]
    for result in Result.objects.filter(campaign=campaign, organisation_id__in=peers, key__in=keys):
        values[result.key][result.organisation_id] = result.value()
    rows = []
    for key, label, kind in labels:
        figures = values.get(key, {})
        ranks = competition_ranks(figures, places=places)
        present = [value for value in figures.values() if value is not None]
        average = round_value(sum(present, ZERO) / len(present), places) if present else None
        index = DTI if key == HEADLINE else key
        rows.append(SummaryRow(index, label, kind, figures.get(organisation.pk), ranks.get(organisation.pk),
                               len(figures), average))  # fmt: skip
    return rows


@dataclass
class ItemRow:
    """One index of the generated list, before it is stored as a `PlanItem`."""

    key: str
    code: str
    name: str
    kind: str
    main_key: str
    main_name: str
    max_points: Decimal
    final_score: Decimal
    order: int
    reasons: list[str] = field(default_factory=list)
    focus: bool = False
    focus_note: str = ""

    @property
    def points_lost(self) -> Decimal:
        return self.max_points - self.final_score


def plan_items(source: Source) -> list[ItemRow]:
    """Every component (or, where a main index has none, the main index itself) with its maximum, its
    final score and the appraisal's reasons, most points lost first; from a publication alone (a year the
    portal only imported), the main indices."""
    rows = _component_rows(source) if source.submission is not None else _main_rows(source)
    rows.sort(key=lambda row: (-row.points_lost, row.order))
    return rows


def _component_rows(source: Source) -> list[ItemRow]:
    assert source.submission is not None
    campaign = source.campaign
    nodes = list(Node.objects.filter(framework=campaign.framework).order_by("order"))
    by_id = {node.pk: node for node in nodes}
    results = {
        row.key: row for row in Result.objects.filter(campaign=campaign, organisation=source.organisation)
    }  # fmt: skip
    focus = FocusIndex.objects.notes_by_key(campaign.pk)
    reasons: dict[str, list[str]] = defaultdict(list)
    report = points_lost(source.submission)
    with_components = {node.parent_id for node in nodes if node.kind == Node.Kind.COMPONENT}
    items = {
        node.pk: node
        for node in nodes
        if node.kind == Node.Kind.COMPONENT or (node.kind == Node.Kind.MAIN and node.pk not in with_components)
    }
    item_of_key: dict[str, Node] = {}
    for node in nodes:
        found = node
        while found.pk not in items and found.parent_id is not None:
            found = by_id[found.parent_id]
        if found.pk in items:
            item_of_key[node.key] = found
    for leaf in report.leaves:
        if (item := item_of_key.get(leaf.key)) is not None:
            reasons[item.key].extend(f"{leaf.code}: {reason}" if leaf.key != item.key else reason
                                     for reason in leaf.reasons)  # fmt: skip
    rows = []
    for node in items.values():
        result = results.get(node.key)
        if result is None or not result.max_points:
            continue  # not applicable to the unit's group, or excluded from the campaign
        main = node.main_index(by_id)
        rows.append(ItemRow(node.key, node.code, node.name,
                            PlanItem.Kind.MAIN if node.kind == Node.Kind.MAIN else PlanItem.Kind.COMPONENT,
                            main.key, main.name, result.max_points, result.final_score, node.order,
                            reasons[node.key], node.key in focus, focus.get(node.key, "")))  # fmt: skip
    return rows


def _main_rows(source: Source) -> list[ItemRow]:
    assert source.publication is not None
    mains = {
        node.key: node for node in Node.objects.filter(framework=source.campaign.framework, kind=Node.Kind.MAIN)
    }  # fmt: skip
    rows = []
    published = PublishedResult.objects.filter(
        publication=source.publication, organisation=source.organisation, index__in=list(mains)
    )
    for row in published:
        node = mains[row.index]
        max_points = row.max_points if row.max_points is not None else node.max_points
        if not max_points or row.value is None:
            continue
        score = row.score if row.score is not None else row.value * max_points
        rows.append(ItemRow(node.key, node.code, node.name, PlanItem.Kind.MAIN, node.key, node.name, max_points,
                            score, node.order))  # fmt: skip
    return rows


@dataclass(frozen=True)
class Reached:
    """What the unit reached on the plan's indices in the year the plan was for, once that result is final."""

    year: int
    note: str
    values: dict[str, Decimal | None]


def reached(organisation: Organisation, *, year: int, level: str, keys: list[str]) -> Reached | None:
    """The final values, in the plan's year, of the indices `keys`: from the unit's settled submission
    (every component), else from that year's official publication (main indices only); None until the
    result is final. A unit merged into another by then (2025) is followed to the unit it became."""
    units = [organisation, *organisation.successors.valid_in(year)]
    later = (
        Submission.objects.filter(organisation__in=units, campaign__year=year, campaign__level=level,
                                  campaign__is_trial=False, state__in=SETTLED_STATES)
        .select_related("organisation")
        .order_by("-campaign__opened_at")
        .first()
    )  # fmt: skip
    if later is not None:
        results = Result.objects.filter(campaign_id=later.campaign_id, organisation=later.organisation, key__in=keys)
        values = {row.key: row.value() for row in results}
        return Reached(year, _("Kết quả thẩm định cuối cùng DTI %(year)s") % {"year": year}, values)
    publication = Publication.objects.official().latest_for(year=year, level=level)
    if publication is None:
        return None
    rows = PublishedResult.objects.filter(publication=publication, organisation__in=units, index__in=keys)
    values = {row.index: row.value for row in rows}
    if not values:
        return None
    return Reached(year, _("Kết quả DTI %(year)s đã công bố") % {"year": year}, values)


def plan_source_submission(plan: ImprovementPlan) -> Submission | None:
    """The settled submission a plan's figures came from, for the what-if on its final answers."""
    return (
        Submission.objects.filter(campaign_id=plan.campaign_id, organisation_id=plan.organisation_id,
                                  state__in=SETTLED_STATES)
        .select_related("campaign__framework", "organisation")
        .first()
    )  # fmt: skip
