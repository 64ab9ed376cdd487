"""Reading a submission for the people who approve it inside the unit: the steps that moved it, and what
changed since it was last returned (its progress per section is `submissions.sections`).

Each reader runs a fixed number of queries, however many leaves, files or history rows the submission
has: the framework's nodes once, the answers once, the history once per question asked of it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from accounts.models import User
from indicators.models import Node

from .models import Action, Answer, Event, Evidence, Submission


@dataclass(frozen=True)
class Step:
    """One step of the history that moved the submission: who took it, when, and with what comment."""

    action: str
    actor: User | None
    at: datetime.datetime
    comment: str
    event_id: int

    @property
    def label(self) -> str:
        return str(Action(self.action).label) if self.action in Action.values else self.action

    @classmethod
    def of(cls, event: Event) -> Step:
        return cls(
            action=str(event.new.get("action", "")),
            actor=event.actor,
            at=event.at,
            comment=event.comment,
            event_id=event.pk,
        )


@dataclass(frozen=True)
class Steps:
    """The step that brought the submission to its state, and its last returns: the leader's return to the
    IT lead and the IT lead's to the reporter that followed it are one hand-back, each with its reason."""

    last: Step | None
    returns: list[Step]

    @property
    def returned_at(self) -> Step | None:
        """The first return of the last hand-back: the unit's changes since then are what the approvers
        asked for."""
        return self.returns[0] if self.returns else None


def steps_of(submission: Submission) -> Steps:
    """One query: the history rows that moved the submission, oldest first."""
    steps = [
        Step.of(event)
        for event in submission.events.filter(kind__in=[Event.Kind.TRANSITION, Event.Kind.REOPENED])
        .select_related("actor")
        .order_by("at", "id")
    ]
    last_returns = [index for index, step in enumerate(steps) if step.action == Action.RETURN]
    returns: list[Step] = []
    if last_returns:
        end = last_returns[-1]
        start = end
        while start > 0 and steps[start - 1].action == Action.RETURN:
            start -= 1
        returns = steps[start : end + 1]
    return Steps(last=steps[-1] if steps else None, returns=returns)


@dataclass(frozen=True)
class LeafChange:
    """A leaf whose report differs from what it was when the submission was returned."""

    before: Answer  # not saved: the reported fields as the first change after the return found them
    after: Answer
    by: User | None  # who changed it last
    at: datetime.datetime
    edits: int

    @property
    def node(self) -> Node:
        return self.after.node

    @property
    def value_changed(self) -> bool:
        return self.before.display_value() != self.after.display_value()

    @property
    def explanation_changed(self) -> bool:
        return self.before.explanation != self.after.explanation


@dataclass(frozen=True)
class EvidenceChange:
    """A file attached or withdrawn since the return (one attached and withdrawn again is no change)."""

    node: Node
    title: str
    added: bool
    by: User | None
    at: datetime.datetime


@dataclass(frozen=True)
class ChangesSinceReturn:
    leaves: list[LeafChange]
    evidence: list[EvidenceChange]


# The unit's own saves: a save on its page and each row of an Excel import both write one of these.
UNIT_REPORT_EVENTS = (Event.Kind.ANSWER,)
EVIDENCE_EVENTS = (Event.Kind.EVIDENCE_ADDED, Event.Kind.EVIDENCE_REMOVED)


def changes_since(submission: Submission, step: Step) -> ChangesSinceReturn:
    """What the unit changed after `step` (the last return): each leaf's report before → now, with who
    changed it last and when, and the files attached or withdrawn. One query."""
    events = list(
        submission.events.filter(kind__in=[*UNIT_REPORT_EVENTS, *EVIDENCE_EVENTS])
        .filter(Q(at__gt=step.at) | Q(at=step.at, id__gt=step.event_id))
        .select_related("actor", "answer__node")
        .order_by("at", "id")
    )
    by_answer: dict[int, list[Event]] = defaultdict(list)
    added: dict[int, Event] = {}
    removed: dict[int, Event] = {}
    for event in events:
        if event.answer is None:
            continue
        if event.kind in UNIT_REPORT_EVENTS:
            by_answer[event.answer.pk].append(event)
        elif event.kind == Event.Kind.EVIDENCE_ADDED:
            added[int(event.new["evidence"])] = event
        else:
            removed[int(event.old["evidence"])] = event
    leaves = []
    for edits in by_answer.values():
        first, last = edits[0], edits[-1]
        assert last.answer is not None
        after = last.answer  # the row as it is now
        before = reported_as(after.node, first.old)
        if before.reported() != after.reported():
            leaves.append(LeafChange(before=before, after=after, by=last.actor, at=last.at, edits=len(edits)))
    files = [
        EvidenceChange(node=event.answer.node, title=str(event.new.get("title", "")), added=True, by=event.actor,
                       at=event.at)
        for evidence_id, event in added.items() if evidence_id not in removed and event.answer is not None
    ] + [
        EvidenceChange(node=event.answer.node, title=str(event.old.get("title", "")), added=False, by=event.actor,
                       at=event.at)
        for evidence_id, event in removed.items() if evidence_id not in added and event.answer is not None
    ]  # fmt: skip
    leaves.sort(key=lambda change: change.node.order)
    files.sort(key=lambda change: (change.node.order, change.at))
    return ChangesSinceReturn(leaves=leaves, evidence=files)


def reported_as(node: Node, reported: dict[str, Any]) -> Answer:
    """An unsaved answer holding reported fields as the history stores them (`Answer.reported`), so that
    a past value reads like a current one ("63,56", "Có", "12 / 40")."""

    def number(name: str) -> Decimal | None:
        text = reported.get(name)
        return None if text in (None, "") else Decimal(str(text))

    return Answer(
        node=node,
        value=number("value"),
        numerator=number("numerator"),
        denominator=number("denominator"),
        choice=reported.get("choice") or "",
        explanation=reported.get("explanation") or "",
    )


def evidence_warnings_by_submission(submission_ids: list[int]) -> dict[int, dict[str, int]]:
    """For the appraisal queue: per submission, how many of its attached files carry each warning. One query."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    files = Evidence.objects.attached().filter(answer__submission_id__in=submission_ids).with_reading()
    for evidence in files.select_related("answer"):
        for warning in evidence.warnings():
            counts[evidence.answer.submission_id][str(warning)] += 1
    return {submission: dict(found) for submission, found in counts.items()}
