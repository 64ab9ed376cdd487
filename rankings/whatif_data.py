"""The what-if's data: a unit's peer group as published, the changes people ask for, checked, and the
leaf-level what-if on a unit's own final answers.

`what_if_basis` reads what a unit's what-if is computed from (its publication's peer group, with the
smallest gain per main index for a better rank and where the most points are left), once per
publication: the pages and the API keep it in the published-answers cache. `published_what_if` applies
the changes asked for to it (`rankings.whatif.what_if`). `leaf_what_if` recomputes a unit from its final
answers with some answers replaced (`scoring.engine.score_exact`) and ranks it against the other units'
final results.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _

from accounts.models import Organisation
from common.errors import DomainError, InvalidInput, WorkflowError
from common.formatting import format_number, parse_number
from common.rules import PEER_GROUP_RULES, Rule, level_label
from common.vocabulary import HEADLINE, Stage
from indicators.models import Aggregate, Node
from scoring.engine import FrameworkSpec, LeafValue, NodeSpec, StageValues, UnitInput, score_exact
from scoring.models import Result
from scoring.services import load_campaign
from submissions.models import SETTLED_STATES, Campaign, Submission

from .models import DTI, Publication, PublicationQuerySet, PublishedResult
from .queries import RANKED_LEVELS, headline, latest_publications
from .ranking import competition_ranks
from .whatif import (
    Change,
    Member,
    Outcome,
    Part,
    PartKind,
    PeerGroup,
    PillarOutcome,
    RankUp,
    Standing,
    largest_gains,
    rank_among,
    smallest_gain_for_rank_up,
    what_if,
)

# At most this many changes at once: a framework has a few main indices and a few hundred leaves, and a
# what-if is about a few of them.
MOST_CHANGES = 50
# The largest number an answer holds (numeric(20, 6)), as data entry refuses larger ones.
LARGEST_NUMBER = Decimal("99999999999999")


class NothingPublished(DomainError):
    """No published table answers: none for the year and level, or the unit is not in it (404)."""

    status = 404
    code = "not_found"


@dataclass(frozen=True)
class Requested:
    """One change as asked: an index (a main index's key, or a leaf's) and its new value as typed."""

    index: str
    value: str

    def as_text(self) -> str:
        return f"{self.index}:{self.value}"


class ChangesInvalid(InvalidInput):
    """Changes that cannot be computed: `rows` maps the position of each refused change to its fields
    ("index", "value") and their messages, for a form to show each next to its field; the API reads them
    as one message under `set`."""

    def __init__(self, rows: dict[int, dict[str, str]]) -> None:
        super().__init__({"set": " ".join(message for row in rows.values() for message in row.values())})
        self.rows = rows


def requested_changes(texts: Iterable[str]) -> tuple[Requested, ...]:
    """The changes `set` parameters ask for, in order: "5:0.85,3:0,9" is 5 → 0,85 and 3 → 0,9.

    An item is `<index>:<value>`. Since every item starts with an index and a colon, a comma followed by
    no colon continues the value before it: a decimal comma ("0,85"), a ratio's ("12,5/40"), a level's
    label. A repeated parameter adds its items; blank items are ignored."""
    found: list[Requested] = []
    for text in texts:
        items: list[Requested] = []
        for piece in text.split(","):
            if not piece.strip():
                continue
            index, colon, value = piece.partition(":")
            if not colon and items:
                items[-1] = replace(items[-1], value=f"{items[-1].value},{piece}")
                continue
            items.append(Requested(index.strip(), value.strip()))
        found.extend(replace(item, value=item.value.strip()) for item in items)
    if len(found) > MOST_CHANGES:
        raise InvalidInput({"set": _("Đặt tối đa %(count)s thay đổi một lần.") % {"count": MOST_CHANGES}})
    return tuple(found)


# --- The published what-if ----------------------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    """What a unit's what-if is computed from: its publication, its peer group as published, and what the
    page shows beside any outcome."""

    organisation: Organisation
    publication: Publication
    group: PeerGroup
    rank_up: tuple[RankUp, ...]
    gains: tuple[Part, ...]

    @property
    def code(self) -> str:
        return self.organisation.code

    @property
    def unit_name(self) -> str:
        """The unit's name in the publication's year."""
        return self.organisation.short_name_in(self.publication.campaign.year)

    @property
    def member(self) -> Member:
        return self.group.members[self.code]

    def indices(self) -> list[tuple[str, str]]:
        """(key, label) of the main indices a change may name: those with a value for the unit."""
        return [(key, self.group.labels.get(key, key)) for key in self.member.mains]


def what_if_basis(
    *, organisation: Organisation, among: PublicationQuerySet, year: int | None = None, level: str | None = None
) -> Basis:
    """The unit's what-if basis in a publication `among` those the reader may see: the year's (its newest
    version), or the newest year's of the level; the level is the unit's unless told.

    Raises InvalidInput for a level that is not ranked, NothingPublished (404) where no publication
    answers or the unit is not in its table."""
    if level is not None and level not in RANKED_LEVELS:
        raise InvalidInput({"level": _("Cấp phải là province (tỉnh, thành phố) hoặc ministry (bộ, ngành).")})
    level = level or organisation.level
    if level not in RANKED_LEVELS:
        raise NothingPublished(_("%(name)s không được xếp hạng.") % {"name": organisation.short_name})
    label = str(dict(Organisation.Level.choices)[level]).lower()
    if year is None:
        publication = headline(latest_publications(among, level))
        if publication is None:
            raise NothingPublished(_("Chưa công bố kết quả DTI nào cấp %(level)s.") % {"level": label})
    else:
        publication = among.latest_for(year=year, level=level)
        if publication is None:
            raise NothingPublished(_("Chưa công bố kết quả DTI %(year)s cấp %(level)s.") % {"year": year,
                                                                                           "level": label})  # fmt: skip
    group = peer_group(publication, organisation)
    return Basis(organisation, publication, group, smallest_gain_for_rank_up(group, organisation.code),
                 largest_gains(group, organisation.code))  # fmt: skip


def peer_group(publication: Publication, organisation: Organisation) -> PeerGroup:
    """The unit's peer group in a publication, as published: every member's DTI and pillars with their
    ranks, main-index values and the points each is worth. Four queries.

    A main index's points are those of the unit's published row (a computed publication's maximum is the
    framework's less the leaves excluded or not applying to the unit), the framework's where the row has
    none. Raises NothingPublished where the unit is not in the publication's table."""
    campaign = publication.campaign
    own = PublishedResult.objects.filter(publication=publication, organisation=organisation, index=DTI)
    group = own.values_list("group", flat=True).first()
    if group is None:
        raise NothingPublished(
            _("%(name)s không có trong kết quả DTI %(year)s đã công bố.")
            % {"name": organisation.short_name, "year": campaign.year}
        )
    nodes = list(
        Node.objects.filter(framework_id=campaign.framework_id, kind__in=[Node.Kind.MAIN, Node.Kind.COMPONENT])
        .order_by("order")
        .values_list("key", "code", "name", "kind", "max_points")
    )
    labels = {key: f"{code}. {name}" for key, code, name, _kind, _points in nodes}
    kinds = {key: kind for key, _code, _name, kind, _points in nodes}
    framework_points = {key: points or Decimal(0) for key, _code, _name, _kind, points in nodes}
    aggregates: dict[str, list[str]] = {}
    for code, name, main in (
        Aggregate.objects.filter(framework_id=campaign.framework_id)
        .order_by("order", "code")
        .values_list("code", "name", "main_indices__key")
    ):
        aggregates.setdefault(code, [])
        if main is not None:
            aggregates[code].append(main)
        if code != HEADLINE:
            labels[code] = name
    rows = (
        PublishedResult.objects.filter(publication=publication, group=group)
        .select_related("organisation")
        .only("organisation__code", "index", "published_value", "computed_value", "rank", "max_points")
    )
    by_unit: dict[str, dict[str, PublishedResult]] = defaultdict(dict)
    for row in rows:
        by_unit[row.organisation.code][row.index] = row
    members = {}
    for code, figures in by_unit.items():
        dti = figures.get(DTI)
        mains: dict[str, Decimal] = {}
        points: dict[str, Decimal] = {}
        components: list[Part] = []
        # In the framework's order, as the page lists them.
        for key in framework_points:
            found = figures.get(key)
            if found is None or (value := found.value) is None:
                continue
            worth = found.max_points if found.max_points is not None else framework_points[key]
            if kinds[key] == Node.Kind.MAIN:
                mains[key], points[key] = value, worth
            elif worth:
                components.append(Part(key, labels[key], PartKind.COMPONENT, value, worth))
        pillars = {pillar: Standing(figure.value, figure.rank) for pillar in aggregates
                   if pillar != HEADLINE and (figure := figures.get(pillar)) is not None}  # fmt: skip
        members[code] = Member(
            code=code,
            dti=Standing(dti.value, dti.rank) if dti is not None else Standing(None, None),
            pillars=pillars,
            mains=mains,
            points=points,
            components=tuple(components),
        )
    return PeerGroup(
        group=group,
        members=members,
        aggregates={code: tuple(keys) for code, keys in aggregates.items()},
        labels=labels,
        places=campaign.framework.precision,
    )


def checked_changes(basis: Basis, requested: Sequence[Requested]) -> dict[str, Decimal]:
    """The changes asked for as {main index key: value}, each checked: a main index the unit has a value
    of, named once, and a number from 0 to 1 (a decimal comma or point). Raises ChangesInvalid naming
    each refused change and what is wrong with it."""
    mains = basis.member.mains
    problems: dict[int, dict[str, str]] = {}
    values: dict[str, Decimal] = {}
    for position, item in enumerate(requested):
        if not item.index:
            problems[position] = {"index": _("Chọn chỉ số chính cần đạt giá trị “%(value)s”.") % {"value": item.value}}
            continue
        if item.index not in mains:
            problems[position] = {"index": _("Không có chỉ số chính “%(index)s”; các chỉ số chính: %(known)s.")
                                  % {"index": item.index, "known": ", ".join(mains)}}  # fmt: skip
            continue
        if item.index in values or any(other.index == item.index for other in requested[:position]):
            problems[position] = {"index": _("Chỉ số %(index)s được đặt hai lần.") % {"index": item.index}}
            continue
        try:
            value = parse_number(item.value)
        except forms.ValidationError:
            value = None
        if value is None or not Decimal(0) <= value <= Decimal(1):
            problems[position] = {
                "value": _("Chỉ số %(index)s: giá trị phải là một số từ 0 đến 1, ví dụ 0,85; nhận được “%(value)s”.")
                % {"index": item.index, "value": item.value}
            }
            continue
        values[item.index] = value
    if problems:
        raise ChangesInvalid(problems)
    return values


def published_what_if(*, basis: Basis, changes: Sequence[Requested]) -> Outcome:
    """The unit's DTI, pillars and ranks with `changes` to its main indices, every other unit of its group
    at its published figures. Raises ChangesInvalid for a change that cannot be computed."""
    return what_if(basis.group, basis.code, checked_changes(basis, changes))


# --- The leaf-level what-if on a unit's final answers ---------------------------------------------


def leaf_what_if(*, submission: Submission, changes: Sequence[Requested]) -> Outcome:
    """The unit's final DTI and pillars recomputed from its final answers with `changes` (leaf key → the
    answer as typed: a number; `<numerator>/<denominator>` for a ratio; a level's key "1", "2"… or its
    label; 1 or 0 for yes or no), ranked against the other units' final results in its peer group,
    which stay as they are.

    The submission must be finalised or published (WorkflowError `not_final` otherwise). Raises
    ChangesInvalid for a change that cannot be computed."""
    if submission.state not in SETTLED_STATES:
        raise WorkflowError(
            _("Chỉ tính thử được trên kết quả đã chốt: hồ sơ đang ở trạng thái “%(state)s”.")
            % {"state": submission.get_state_display()},
            code="not_final",
        )
    campaign = submission.campaign
    code, group = submission.organisation.code, submission.organisation.group
    loaded = load_campaign(campaign)
    framework = loaded.framework
    final = loaded.stages[Stage.FINAL]
    row = final.units.index(code)
    nodes = {node.key: node for node in framework.nodes}
    scored = {leaf.key for leaf in loaded.plan.leaves}
    answers = {leaf.key: answer for column, leaf in enumerate(loaded.plan.leaves)
               if (answer := final.answer(row, column)) is not None}  # fmt: skip
    given = _checked_answers(framework, nodes, scored, group, changes)
    units = _final_units(loaded.plan.leaves, final, code)
    own = next(unit for unit in units if unit.code == code)
    changed = replace(own, values={**own.values, **given})
    before_scores = score_exact(framework, units, only=[code])[code]
    after_scores = score_exact(framework, [changed if unit is own else unit for unit in units], only=[code])[code]
    names = dict(
        (key, f"{printed}. {name}")
        for key, printed, name in Node.objects.filter(
            framework_id=campaign.framework_id, key__in=list(given)
        ).values_list("key", "code", "name")
    )
    listed = tuple(
        Change(key, names.get(key, key), before_scores[key].value, after_scores[key].value,
               answer_text(nodes[key], answers.get(key)), answer_text(nodes[key], value))
        for key, value in given.items()
    )  # fmt: skip
    peers = _final_group(campaign, framework, group)
    member = peers.members.get(code, Member(code, Standing(None, None), {}, {}, {}))
    moved = any(value != answers.get(key, LeafValue()) for key, value in given.items())
    if not moved:
        after = member.dti
        pillars = tuple(
            PillarOutcome(pillar, peers.labels.get(pillar, pillar), figure.value, figure.value, figure.rank,
                          figure.rank)
            for pillar in peers.pillar_codes if (figure := member.pillars.get(pillar)) is not None
        )  # fmt: skip
        return Outcome(member.dti, after, pillars, listed, group, peers.size, peers.places)
    everyone = {unit: other.dti for unit, other in peers.members.items()}
    dti = after_scores[HEADLINE].value
    found = []
    for pillar in peers.pillar_codes:
        figure = member.pillars.get(pillar, Standing(None, None))
        value = after_scores[pillar].value if pillar in after_scores else None
        others = {unit: other.pillars.get(pillar, Standing(None, None)) for unit, other in peers.members.items()}
        found.append(PillarOutcome(pillar, peers.labels.get(pillar, pillar), figure.value, value, figure.rank,
                                   rank_among(peers, code, value, others, figure)))  # fmt: skip
    after = Standing(dti, rank_among(peers, code, dti, everyone, member.dti))
    return Outcome(member.dti, after, tuple(found), listed, group, peers.size, peers.places)


def _final_units(leaves: Sequence[NodeSpec], final: StageValues, code: str) -> list[UnitInput]:
    """Every unit of the campaign as the engine reads it at the final stage, in Decimal: the unit's every
    answer, the others' answers to the leaves that compare units (the only ones the unit's score reads)."""
    units = []
    for row, (unit, group) in enumerate(zip(final.units, final.groups, strict=True)):
        columns = [(column, leaf) for column, leaf in enumerate(leaves)
                   if unit == code or leaf.rule in PEER_GROUP_RULES]  # fmt: skip
        values = {leaf.key: answer for column, leaf in columns if (answer := final.answer(row, column)) is not None}
        units.append(UnitInput(unit, group, values))
    return units


def _final_group(campaign: Campaign, framework: FrameworkSpec, group: str) -> PeerGroup:
    """The peer group's final DTI and pillars as the campaign's results hold them, ranked as a publication
    would rank them. Two queries."""
    pillars = [code for code in framework.aggregates if code != HEADLINE]
    found: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    places = campaign.framework.precision
    for unit, key, score, points in Result.objects.filter(
        campaign=campaign, organisation__group=group, key__in=[HEADLINE, *pillars]
    ).values_list("organisation__code", "key", "final_score", "max_points"):
        found[unit][key] = score / points if points else None
    ranks = {key: competition_ranks({unit: figures.get(key) for unit, figures in found.items()}, places=places)
             for key in (HEADLINE, *pillars)}  # fmt: skip
    labels = dict(Aggregate.objects.filter(framework_id=campaign.framework_id).values_list("code", "name"))
    members = {
        unit: Member(
            code=unit,
            dti=Standing(figures.get(HEADLINE), ranks[HEADLINE][unit]),
            pillars={key: Standing(figures[key], ranks[key][unit]) for key in pillars if key in figures},
            mains={},
            points={},
        )
        for unit, figures in found.items()
    }
    return PeerGroup(group=group, members=members, aggregates=dict(framework.aggregates), labels=labels,
                     places=places)  # fmt: skip


def _checked_answers(
    framework: FrameworkSpec, nodes: dict[str, NodeSpec], scored: set[str], group: str, changes: Sequence[Requested]
) -> dict[str, LeafValue]:
    """The answers asked for as the engine reads them, each checked against its leaf's rule as data entry
    checks an answer; raises ChangesInvalid naming each refused one."""
    problems: dict[int, dict[str, str]] = {}
    given: dict[str, LeafValue] = {}
    for position, item in enumerate(changes):
        node = nodes.get(item.index)
        if node is None or not node.rule:
            problems[position] = {"index": _("Không có tiêu chí “%(index)s” trong bộ chỉ số.") % {"index": item.index}}
            continue
        if item.index in given or any(other.index == item.index for other in changes[:position]):
            problems[position] = {"index": _("Tiêu chí %(index)s được đặt hai lần.") % {"index": item.index}}
            continue
        if item.index in framework.excluded or item.index not in scored:
            problems[position] = {"index": _("Tiêu chí %(index)s đã được loại khỏi đợt đánh giá: không tính điểm.")
                                  % {"index": item.index}}  # fmt: skip
            continue
        if group in node.not_applicable_groups:
            problems[position] = {"index": _("Tiêu chí %(index)s không áp dụng cho nhóm của đơn vị.")
                                  % {"index": item.index}}  # fmt: skip
            continue
        try:
            given[item.index] = leaf_answer(node, item.value)
        except forms.ValidationError as error:
            problems[position] = {"value": _("Tiêu chí %(index)s: %(problem)s")
                                  % {"index": item.index, "problem": " ".join(error.messages)}}  # fmt: skip
    if problems:
        raise ChangesInvalid(problems)
    return given


def leaf_answer(node: NodeSpec, text: str) -> LeafValue:
    """An answer typed for a leaf, as the engine reads it, checked as data entry checks one
    (`submissions.services.entry.validate_answer`, which the results stage does not reach: the same
    rules, and the same messages). Raises forms.ValidationError saying what is wrong."""
    text = text.strip()
    if not text:
        raise forms.ValidationError(_("thiếu câu trả lời mới."))
    if node.rule == Rule.LEVELS:
        labels = [level["label"] for level in node.parameters.get("levels", [])]
        choice = level_label(node.parameters, text)
        if choice not in labels:
            keys = "; ".join(f"{place} = {label}" for place, label in enumerate(labels, start=1))
            raise forms.ValidationError(_("Chọn một trong các mức: %(labels)s.") % {"labels": keys})
        return LeafValue(choice=choice)
    if node.rule == Rule.RATIO:
        numerator_text, slash, denominator_text = text.partition("/")
        if not slash:
            raise forms.ValidationError(_("Chỉ số này nhập tử số và mẫu số: viết <tử số>/<mẫu số>, ví dụ 45/60."))
        numerator, denominator = _number(numerator_text), _number(denominator_text)
        if numerator is None or numerator < 0:
            raise forms.ValidationError(_("Tử số phải là số không âm."))
        if denominator is None or denominator <= 0:
            raise forms.ValidationError(_("Mẫu số phải là số lớn hơn 0."))
        if numerator > denominator:
            raise forms.ValidationError(_("Tử số không được lớn hơn mẫu số."))
        return LeafValue(numerator=numerator, denominator=denominator)
    value = _number(text)
    if value is None:
        raise forms.ValidationError(_("Nhập một số, ví dụ 63,56."))
    if node.rule == Rule.BOOLEAN and value not in (0, 1):
        raise forms.ValidationError(_("Viết 1 (có) hoặc 0 (không)."))
    if node.rule == Rule.PERCENTAGE and not Decimal(0) <= value <= Decimal(100):
        raise forms.ValidationError(_("Tỷ lệ phải từ 0 đến 100 (%)."))
    if node.rule == Rule.MANUAL and not Decimal(0) <= value <= node.max_points:
        raise forms.ValidationError(_("Điểm phải từ 0 đến %(max)s.") % {"max": format_number(node.max_points)})
    if value < 0:
        raise forms.ValidationError(_("Giá trị không được âm."))
    return LeafValue(value=value)


def _number(text: str) -> Decimal | None:
    """A number as typed, None where it is none; larger than an answer holds is refused as data entry does."""
    try:
        number = parse_number(text)
    except forms.ValidationError:
        return None
    if number is not None and abs(number) > LARGEST_NUMBER:
        raise forms.ValidationError(_("Số quá lớn: tối đa %(max)s.") % {"max": format_number(LARGEST_NUMBER)})
    return number


def answer_text(node: NodeSpec, answer: LeafValue | None) -> str:
    """An answer as the unit reads it (`submissions.models.Answer.display_value`): "12 / 40", a level's
    label, "Có" or "Không", "63,56"; "—" for none."""
    if answer is None:
        return "—"
    if answer.numerator is not None:
        return f"{format_number(answer.numerator)} / {format_number(answer.denominator)}"
    if answer.choice:
        return answer.choice
    if answer.value is None:
        return "—"
    if node.rule == Rule.BOOLEAN:
        return _("Có") if answer.value else _("Không")
    return format_number(answer.value)
