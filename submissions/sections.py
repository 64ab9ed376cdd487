"""A submission cut into the sections people enter it by, with how complete each one is.

A section is a main index, or each component of a main index too large to enter on one page.
Everything here is read with a fixed number of queries whatever the size of the framework.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.db.models import BooleanField, Count, ExpressionWrapper, Q

from indicators.models import Node

from .models import FOCUS_NOTE, Answer, FocusIndex, FocusMark, FocusMarks, Submission, answered_filter

# A main index with more leaves than this is entered component by component.
LARGEST_SECTION = 25


@dataclass
class LeafState:
    """What the overview needs of one leaf, without loading the answer itself."""

    answer_id: int
    node: Node
    answered: bool
    evidence: int
    explained: bool
    self_score: Decimal | None
    # The component index the leaf lies under (None for a leaf that is a component itself).
    component: Node | None = None
    # The campaign's focus index the leaf is, or lies under ("chỉ số cần tập trung").
    focus: FocusMark | None = None

    @property
    def is_reported(self) -> bool:
        return self.node.source == Node.Source.SELF_REPORT

    @property
    def blocks_submission(self) -> bool:
        """Seed 002's rule: a leaf that needs evidence has a file attached or an explanation."""
        return self.is_reported and self.node.evidence_required and not self.evidence and not self.explained

    @property
    def lacks_evidence(self) -> bool:
        return self.is_reported and self.node.evidence_required and not self.evidence


@dataclass
class Section:
    node: Node
    main: Node
    pillar: Node | None
    leaves: list[LeafState] = field(default_factory=list)
    previous: Section | None = None
    next: Section | None = None

    @property
    def key(self) -> str:
        return self.node.key

    @property
    def reported(self) -> list[LeafState]:
        return [leaf for leaf in self.leaves if leaf.is_reported]

    @property
    def answered(self) -> int:
        return sum(leaf.answered for leaf in self.reported)

    @property
    def required(self) -> int:
        return len(self.reported)

    @property
    def evidence_missing(self) -> int:
        return sum(leaf.lacks_evidence for leaf in self.leaves)

    @property
    def files(self) -> int:
        return sum(leaf.evidence for leaf in self.leaves)

    @property
    def blocking(self) -> list[LeafState]:
        return [leaf for leaf in self.leaves if leaf.blocks_submission]

    @property
    def is_complete(self) -> bool:
        return self.answered == self.required and not self.blocking

    @property
    def max_points(self) -> Decimal:
        return self.node.max_points or Decimal(0)

    @property
    def focus(self) -> FocusMark | None:
        """The section's mark where the section is itself a focus index (a component of a large main index)."""
        return next((leaf.focus for leaf in self.leaves if leaf.focus and leaf.focus.component == self.node), None)

    @property
    def focus_indices(self) -> list[FocusMark]:
        """The focus indices among the section's leaves or above them, in framework order, once each."""
        return list({leaf.focus.component.pk: leaf.focus for leaf in self.leaves if leaf.focus}.values())

    @property
    def self_points(self) -> Decimal | None:
        """The leaves' own self-assessed points; None when a leaf is scored against its peer group
        (only the campaign's computation scores those, shown in the totals)."""
        scores = [leaf.self_score for leaf in self.leaves if leaf.node.max_points]
        if any(score is None for score in scores):
            return None
        return sum((score for score in scores if score is not None), Decimal(0))


@dataclass
class Overview:
    sections: list[Section]

    def section(self, key: str) -> Section | None:
        return next((section for section in self.sections if section.key == key), None)

    def section_of(self, leaf_key: str) -> Section | None:
        return next(
            (section for section in self.sections if any(leaf.node.key == leaf_key for leaf in section.leaves)), None
        )

    @property
    def leaves(self) -> list[LeafState]:
        return [leaf for section in self.sections for leaf in section.leaves]

    @property
    def answered(self) -> int:
        return sum(section.answered for section in self.sections)

    @property
    def required(self) -> int:
        return sum(section.required for section in self.sections)

    @property
    def unanswered(self) -> list[LeafState]:
        return [leaf for leaf in self.leaves if leaf.is_reported and not leaf.answered]

    @property
    def blocking(self) -> list[LeafState]:
        return [leaf for leaf in self.leaves if leaf.blocks_submission]

    @property
    def evidence_files(self) -> int:
        return sum(section.files for section in self.sections)

    @property
    def focus_indices(self) -> list[FocusMark]:
        return [mark for section in self.sections for mark in section.focus_indices]

    def by_main(self) -> list[tuple[Node, Node | None, list[Section]]]:
        """The sections grouped under their main index, in framework order."""
        groups: dict[int, tuple[Node, Node | None, list[Section]]] = {}
        for section in self.sections:
            groups.setdefault(section.main.pk, (section.main, section.pillar, []))[2].append(section)
        return list(groups.values())


def submission_overview(submission: Submission) -> Overview:
    """Every leaf of the submission in its section, with completeness and the campaign's focus indices;
    three queries (the marks are read with the framework's tree)."""
    nodes = {
        node.pk: node
        for node in Node.objects.filter(framework_id=submission.campaign.framework_id).annotate(
            **{FOCUS_NOTE: FocusIndex.objects.note_of_outer_node(submission.campaign_id)}
        )
    }
    focus = FocusMarks.annotated(nodes.values())
    rows = (
        Answer.objects.filter(submission=submission)
        .annotate(
            answered=ExpressionWrapper(Q(answered_filter()), output_field=BooleanField()),
            files=Count("evidence", filter=Q(evidence__removed_at=None)),
        )
        .values_list("pk", "node_id", "answered", "files", "explanation", "self_score")
    )
    leaves = [
        LeafState(answer_id=pk, node=nodes[node_id], answered=bool(answered), evidence=files,
                  explained=bool(explanation.strip()), self_score=self_score,
                  component=_component_above(nodes[node_id], nodes),
                  focus=focus.of(nodes[node_id], nodes) if focus else None)
        for pk, node_id, answered, files, explanation, self_score in rows
    ]  # fmt: skip
    leaves.sort(key=lambda leaf: leaf.node.order)
    return Overview(sections=build_sections(leaves, nodes))


def _component_above(node: Node, nodes: dict[int, Node]) -> Node | None:
    return next((above for above in reversed(node.ancestors(nodes)) if above.kind == Node.Kind.COMPONENT), None)


def build_sections(leaves: Iterable[LeafState], nodes: dict[int, Node]) -> list[Section]:
    leaves = list(leaves)
    by_main: dict[int, list[LeafState]] = {}
    for leaf in leaves:
        by_main.setdefault(leaf.node.main_index(nodes).pk, []).append(leaf)
    sections: list[Section] = []
    for main_id, members in by_main.items():
        main = nodes[main_id]
        pillar = next((node for node in main.ancestors(nodes) if node.kind == Node.Kind.PILLAR), None)
        if len(members) <= LARGEST_SECTION:
            sections.append(Section(node=main, main=main, pillar=pillar, leaves=members))
            continue
        # A large main index: one section per child of it that has leaves under it; the leaves
        # directly under the main index form a section of their own, named by the main index.
        parts: dict[int, Section] = {}
        for leaf in members:
            chain = [*leaf.node.ancestors(nodes), leaf.node]
            child = chain[chain.index(main) + 1]
            group = main if child is leaf.node else child
            if group.pk not in parts:
                parts[group.pk] = Section(node=group, main=main, pillar=pillar)
                sections.append(parts[group.pk])
            parts[group.pk].leaves.append(leaf)
    for before, after in pairwise(sections):
        before.next, after.previous = after, before
    return sections
