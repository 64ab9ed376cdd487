"""What if a unit's main indices had other values: its DTI, its pillars and its ranks in its peer group,
every other unit held at its published figures. Plain data in, plain data out (no Django), so the page,
the API and the improvement plan compute it alike and the tests can search it exhaustively.

The changed unit's DTI is computed again from the report's main-index values with the changes applied
(`aggregate_main_values`: Σ value × points over the DTI's maximum); with nothing changed it is the
published figure itself, which the report may have rounded from figures it does not print (TP. Cần Thơ
2021: 0,4794 published, 0,47945 from its main indices). Where the published DTI is not what the
report's own main indices give (nine ministries of 2021, by up to 0,04: `import_results` lists them in
the reconciliation), a recomputed figure would move the unit by that gap whatever it changed; so there
the published DTI moves by what the changes add to it, and the outcome says so (`offset`). A pillar
always moves that way: the report's pillar values rest on figures its tables do not print, so they
cannot be computed again from the main indices, but the difference the changes make can. Ranks are the
published tables' (`competition_ranks`): by value at the framework's precision, ties sharing a rank.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from common.vocabulary import HEADLINE
from rankings.ranking import competition_ranks, round_value
from scoring.engine import NodeResult, aggregate_main_values

# The smallest value needed for a better rank is searched in steps of 0,0001: 1 is 10 000 steps.
STEPS = 10_000
ONE = Decimal(1)
# The gap between a published DTI and the one its main indices give beyond which the report's figure is
# not a rounding of them (as `rankings.services.import_results` reconciles them).
TOLERANCE = Decimal("0.0001")


class PartKind(StrEnum):
    """What a part the unit can still gain points on is (the framework's node kinds)."""

    MAIN = "main"
    COMPONENT = "component"


@dataclass(frozen=True)
class Standing:
    """A value and the rank it gives in the peer group."""

    value: Decimal | None
    rank: int | None


@dataclass(frozen=True)
class Part:
    """A main index (or a component) of one unit: its value and the points it is worth to the unit."""

    index: str
    name: str
    kind: PartKind
    value: Decimal
    max_points: Decimal

    @property
    def room(self) -> Decimal:
        """The points still to gain: (1 − value) × max points."""
        return (ONE - self.value) * self.max_points


@dataclass(frozen=True)
class Member:
    """One unit of a peer group as published: its DTI and pillars, its main-index values and the points
    each main index is worth to it (the framework's, less what a computed publication left out for it)."""

    code: str
    dti: Standing
    pillars: Mapping[str, Standing]
    mains: Mapping[str, Decimal]
    points: Mapping[str, Decimal]
    # The components' values, where the publication has them (a computed one).
    components: tuple[Part, ...] = ()


@dataclass(frozen=True)
class PeerGroup:
    """The units ranked together in a publication, with what their indices are made of."""

    group: str
    members: Mapping[str, Member]
    # The DTI (HEADLINE) and each pillar: the main indices it sums.
    aggregates: Mapping[str, tuple[str, ...]]
    # The main indices' and the pillars' names, by key or code.
    labels: Mapping[str, str]
    places: int = 4

    @property
    def size(self) -> int:
        """The units with a DTI value: the "/63" of a rank."""
        return sum(1 for member in self.members.values() if member.dti.value is not None)

    @property
    def pillar_codes(self) -> tuple[str, ...]:
        return tuple(code for code in self.aggregates if code != HEADLINE)


@dataclass(frozen=True)
class Change:
    """One change asked for: an index's value before and after (0–1). A leaf's change also says the answer
    before and after as the unit reads it ("12 / 40", "Hằng tháng")."""

    index: str
    name: str
    before: Decimal | None
    after: Decimal | None
    answer_before: str = ""
    answer_after: str = ""


@dataclass(frozen=True)
class PillarOutcome:
    index: str
    name: str
    before: Decimal | None
    after: Decimal | None
    rank_before: int | None
    rank_after: int | None


@dataclass(frozen=True)
class Outcome:
    """What the changes would make of the unit's DTI and pillars, and their ranks in the peer group."""

    before: Standing
    after: Standing
    pillars: tuple[PillarOutcome, ...]
    changes: tuple[Change, ...]
    group: str
    group_size: int
    places: int = 4
    # The published DTI less the one the unit's main indices give, where they differ beyond rounding:
    # the after-DTI is the published one moved by the changes, keeping this gap.
    offset: Decimal | None = None

    @property
    def places_gained(self) -> int | None:
        """Ranks gained (positive is better)."""
        if self.before.rank is None or self.after.rank is None:
            return None
        return self.before.rank - self.after.rank

    @property
    def places_lost(self) -> int | None:
        """Ranks lost (positive is worse)."""
        gained = self.places_gained
        return None if gained is None else -gained


@dataclass(frozen=True)
class RankUp:
    """The smallest value of one main index (the others as published) that ranks the unit better: None
    where even 1 is not enough, or nobody is ahead."""

    index: str
    name: str
    value: Decimal
    needed: Decimal | None

    @property
    def gain(self) -> Decimal | None:
        """How much the index must rise."""
        return self.needed - self.value if self.needed is not None else None


def rank_among(
    group: PeerGroup, unit: str, value: Decimal | None, standing: Mapping[str, Standing], before: Standing
) -> int | None:
    """The unit's rank at `value` among the others' published figures (`standing`: each unit's).

    A value that reads as the published one keeps the published rank: the report's rank stands where
    nothing visible changed."""
    if value is None:
        return None
    if before.value is not None and round_value(value, group.places) == round_value(before.value, group.places):
        return before.rank
    values: dict[str, Decimal | None] = {code: figure.value for code, figure in standing.items() if code != unit}
    values[unit] = value
    return competition_ranks(values, places=group.places)[unit]


def what_if(group: PeerGroup, unit: str, changes: Mapping[str, Decimal]) -> Outcome:
    """The unit's DTI, pillars and ranks with `changes` ({main index key: new value 0–1}) applied to its
    published main-index values, every other unit at its published figures.

    Raises KeyError for a unit not in the group and ValueError for a main index it has no value of (the
    loader checks what people ask before this)."""
    member = group.members[unit]
    unknown = [key for key in changes if key not in member.mains]
    if unknown:
        raise ValueError(f"{unit} has no value of {unknown}")
    moved = any(value != member.mains[key] for key, value in changes.items())
    listed = tuple(Change(key, group.labels.get(key, key), member.mains[key], value) for key, value in changes.items())
    if not moved:
        pillars = tuple(
            PillarOutcome(code, group.labels.get(code, code), figure.value, figure.value, figure.rank, figure.rank)
            for code in group.pillar_codes
            if (figure := member.pillars.get(code)) is not None
        )
        return Outcome(member.dti, member.dti, pillars, listed, group.group, group.size, group.places)
    now = aggregate_main_values(member.points, group.aggregates, member.mains)
    then = aggregate_main_values(member.points, group.aggregates, {**member.mains, **changes})
    dti, offset = then[HEADLINE].value, None
    published, computed = member.dti.value, now[HEADLINE].value
    if published is not None and computed is not None and abs(published - computed) > TOLERANCE:
        dti, offset = _moved(published, now[HEADLINE], then[HEADLINE]), published - computed
    everyone = {code: other.dti for code, other in group.members.items()}
    after = Standing(dti, rank_among(group, unit, dti, everyone, member.dti))
    found = []
    for code in group.pillar_codes:
        figure = member.pillars.get(code)
        if figure is None:
            continue
        value = _moved(figure.value, now[code], then[code])
        others = {name: other.pillars.get(code, Standing(None, None)) for name, other in group.members.items()}
        found.append(PillarOutcome(code, group.labels.get(code, code), figure.value, value, figure.rank,
                                   rank_among(group, unit, value, others, figure)))  # fmt: skip
    return Outcome(member.dti, after, tuple(found), listed, group.group, group.size, group.places, offset)


def _moved(published: Decimal | None, now: NodeResult, then: NodeResult) -> Decimal | None:
    """A published figure moved by the difference the changes make to the computed one: the points they
    add, over the maximum (exactly, as a person would work it out)."""
    if not then.max_points:
        return published
    return then.value if published is None else published + (then.score - now.score) / then.max_points


def smallest_gain_for_rank_up(group: PeerGroup, unit: str) -> tuple[RankUp, ...]:
    """For each main index worth points to the unit, the smallest value (a multiple of 0,0001, at most 1)
    that alone gives the unit a strictly better DTI rank, the rest as published.

    Found by bisection over the 0,0001 steps with `what_if` itself: the unit's DTI grows with any of its
    main indices and the others stand still, so its rank only ever improves as the value rises."""
    member = group.members[unit]
    return tuple(
        RankUp(key, group.labels.get(key, key), value, _needed(group, unit, key, value))
        for key, value in member.mains.items()
        if member.points.get(key)
    )


def _needed(group: PeerGroup, unit: str, key: str, current: Decimal) -> Decimal | None:
    rank = group.members[unit].dti.rank
    if rank is None or rank == 1:
        return None

    def better(step: int) -> bool:
        found = what_if(group, unit, {key: Decimal(step).scaleb(-4)}).after.rank
        return found is not None and found < rank

    # The steps above the current value: the current value itself changes nothing.
    first = int((current * STEPS).to_integral_value(rounding=ROUND_CEILING))
    if first > STEPS or not better(STEPS):
        return None
    low, high = first - 1, STEPS  # nothing at or below `low` is searched; `high` is better
    while high - low > 1:
        middle = (low + high) // 2
        if better(middle):
            high = middle
        else:
            low = middle
    return Decimal(high).scaleb(-4)


def largest_gains(group: PeerGroup, unit: str) -> tuple[Part, ...]:
    """The unit's main indices and, where the publication has them, its components, by the points it
    could still gain on each ((1 − value) × max points), most first; those with nothing left to gain
    are left out."""
    member = group.members[unit]
    mains = [
        Part(key, group.labels.get(key, key), PartKind.MAIN, value, member.points[key])
        for key, value in member.mains.items()
        if member.points.get(key)
    ]
    parts = [part for part in (*mains, *member.components) if part.room > 0]
    # Stable: equal rooms keep the framework's order, main indices before components.
    return tuple(sorted(parts, key=lambda part: part.room, reverse=True))
