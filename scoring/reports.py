"""The "why points were lost" report of one submission: rows built once, written as a page, Excel or PDF.

Per leaf the appraisal changed, and per main index and component: max points, self-assessed,
appraised and final scores, and the reasons — the table seed 003 had to assemble by hand.
Scores come from the campaign's computed results (the engine's), so they match the rankings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from common import rules
from common.spreadsheets import workbook_bytes, write_row
from common.vocabulary import HEADLINE
from indicators.models import Node
from submissions.models import FOCUS_NOTE, Answer, Decision, FinalDecision, FocusIndex, FocusMarks, Submission

from .models import Recompute, Result

ZERO = Decimal(0)


@dataclass
class LostRow:
    key: str
    code: str
    name: str
    kind: str
    depth: int
    max_points: Decimal
    self_score: Decimal
    appraised_score: Decimal
    final_score: Decimal
    reported: str = ""
    appraised: str = ""
    final: str = ""
    reasons: list[str] = field(default_factory=list)
    # A component index the authority marked for the campaign as one to focus on, or a leaf under one.
    focus: bool = False
    focus_note: str = ""

    @property
    def lost(self) -> Decimal:
        """Points the appraisal took away (self-assessed minus final)."""
        return rules.points_lost(self.self_score, self.final_score)

    @property
    def lost_from_max(self) -> Decimal:
        return self.max_points - self.final_score


@dataclass
class PointsLost:
    submission: Submission
    leaves: list[LostRow]
    structure: list[LostRow]
    total: LostRow | None
    computed_at: datetime.datetime | None
    pending: bool


def points_lost(submission: Submission) -> PointsLost:
    """Build the report's rows: adjusted leaves sorted by points lost, then the tree of main indices
    and components in framework order, and the DTI total; each row flagged where it is, or lies under,
    one of the campaign's focus indices."""
    results = {
        row.key: row
        for row in Result.objects.filter(campaign_id=submission.campaign_id, organisation_id=submission.organisation_id)
    }
    nodes = list(
        Node.objects.filter(framework_id=submission.campaign.framework_id)
        .annotate(**{FOCUS_NOTE: FocusIndex.objects.note_of_outer_node(submission.campaign_id)})
        .order_by("order")
    )
    by_id = {node.pk: node for node in nodes}
    focus = FocusMarks.annotated(nodes)
    depth: dict[int, int] = {}
    for node in nodes:
        depth[node.pk] = 0 if node.parent_id is None else depth[node.parent_id] + 1

    def row(key: str, code: str, name: str, kind: str, level: int, node: Node | None = None) -> LostRow:
        result = results.get(key)
        scores = (result.self_score, result.appraised_score, result.final_score) if result else (ZERO, ZERO, ZERO)
        built = LostRow(key, code, name, kind, level, result.max_points if result else ZERO, *scores)
        mark = focus.of(node, by_id) if node is not None and focus else None
        if mark is not None:
            built.focus, built.focus_note = True, mark.note
        return built

    leaves = []
    for answer in Answer.objects.filter(submission=submission).order_by("node__order"):
        # The tree's own node, read above with its focus note: the answer's texts read its rule.
        node = answer.node = by_id[answer.node_id]
        adjusted = answer.appraisal_decision == Decision.ADJUST or answer.final_decision == FinalDecision.REVISE
        leaf = row(node.key, node.code, node.name, node.kind, depth[node.pk], node)
        if not adjusted and leaf.lost <= 0:
            continue
        leaf.reported, leaf.appraised, leaf.final = answer.reported_text, answer.appraised_text, answer.final_text
        leaf.reasons = [
            text
            for text in (
                _("Thẩm định: %(reason)s") % {"reason": answer.appraisal_reason} if answer.appraisal_reason else "",
                _("Giải trình: %(reply)s") % {"reply": answer.explanation_reply} if answer.explanation_reply else "",
                _("Sau giải trình: %(reason)s") % {"reason": answer.final_reason} if answer.final_reason else "",
            )
            if text
        ]
        leaves.append(leaf)
    leaves.sort(key=lambda item: (-item.lost, item.key))
    parents = {node.parent_id for node in nodes if node.parent_id is not None}
    structure = [
        row(node.key, node.code, node.name, node.kind, depth[node.pk], node)
        for node in nodes
        if node.pk in parents and node.kind in (Node.Kind.PILLAR, Node.Kind.MAIN, Node.Kind.COMPONENT)
    ]
    total = row(HEADLINE, HEADLINE, _("Chỉ số DTI"), "aggregate", 0) if HEADLINE in results else None
    recompute = Recompute.objects.filter(campaign_id=submission.campaign_id).first()
    return PointsLost(
        submission=submission,
        leaves=leaves,
        structure=structure,
        total=total,
        computed_at=recompute.finished_at if recompute else None,
        pending=bool(recompute and (recompute.pending or recompute.state == Recompute.State.RUNNING)),
    )


def _number(value: Decimal) -> float:
    return float(round(value, 4))


def points_lost_workbook(report: PointsLost) -> bytes:
    """Two sheets: the adjusted leaves with their reasons, and every main index and component."""
    workbook = Workbook()
    leaves = workbook.active
    leaves.title = "Chi so bi tru diem"
    unit = report.submission.organisation.short_name
    write_row(leaves, [_("Báo cáo điểm bị trừ khi thẩm định — %(unit)s — %(campaign)s")
                       % {"unit": unit, "campaign": report.submission.campaign.name}])  # fmt: skip
    leaves["A1"].font = Font(bold=True)
    focus = [_("Cần tập trung"), _("Ghi chú chỉ số cần tập trung")]
    header = [_("Mã"), _("Chỉ số"), _("Tối đa"), _("Tự đánh giá"), _("Thẩm định"), _("Cuối cùng"), _("Điểm bị trừ"),
              _("Đơn vị báo cáo"), _("Giá trị thẩm định"), _("Giá trị cuối cùng"), _("Lý do"), *focus]  # fmt: skip
    write_row(leaves, header)
    for item in report.leaves:
        write_row(leaves, [item.code, item.name, _number(item.max_points), _number(item.self_score),
                           _number(item.appraised_score), _number(item.final_score), _number(item.lost),
                           item.reported, item.appraised, item.final, "\n".join(item.reasons),
                           *_focus_cells(item)])  # fmt: skip
    structure = workbook.create_sheet("Theo chi so thanh phan")
    write_row(structure, [_("Mã"), _("Chỉ số"), _("Tối đa"), _("Tự đánh giá"), _("Thẩm định"), _("Cuối cùng"),
                          _("Bị trừ khi thẩm định"), _("Chưa đạt so với tối đa"), *focus])  # fmt: skip
    rows = [*report.structure, *([report.total] if report.total else [])]
    for item in rows:
        write_row(structure, [item.code, item.name, _number(item.max_points), _number(item.self_score),
                              _number(item.appraised_score), _number(item.final_score), _number(item.lost),
                              _number(item.lost_from_max), *_focus_cells(item)])  # fmt: skip
        structure.cell(row=structure.max_row, column=2).alignment = Alignment(indent=item.depth)
    for sheet in (leaves, structure):
        sheet.column_dimensions["B"].width = 60
        for column in "CDEFGH":
            sheet.column_dimensions[column].width = 14
        for cells in sheet.iter_rows(min_row=2, min_col=3, max_col=8):
            for cell in cells:
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
    leaves.column_dimensions["K"].width = 80
    for sheet, flag, note in ((leaves, "L", "M"), (structure, "I", "J")):
        sheet.column_dimensions[flag].width = 14
        sheet.column_dimensions[note].width = 60
    return workbook_bytes(workbook)


def _focus_cells(item: LostRow) -> list[str]:
    """The "Cần tập trung" column ("Có" or empty) and the authority's note beside it."""
    return [_("Có") if item.focus else "", item.focus_note]


def points_lost_pdf(report: PointsLost) -> bytes:
    """The report as a PDF, through a template and WeasyPrint; the fonts used are embedded."""
    from weasyprint import HTML

    html = render_to_string("scoring/points_lost_pdf.html", {"report": report})
    return HTML(string=html).write_pdf()


@dataclass
class TotalRow:
    key: str
    code: str
    name: str
    kind: str
    max_points: Decimal
    self_score: Decimal
    final_score: Decimal
    previous: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.self_score - self.previous


@dataclass
class Totals:
    """A unit's computed totals (the DTI, each pillar and main index) and how fresh they are."""

    submission: Submission
    rows: list[TotalRow]
    computed_at: datetime.datetime | None
    pending: bool
    previous_year: int | None


def submission_totals(submission: Submission, *, compare: bool = False) -> Totals:
    """The unit's totals from the campaign's last computation; with `compare`, against its results of
    the previous year's campaign at the same level where the portal computed one. Five queries."""
    nodes = list(
        Node.objects.filter(framework_id=submission.campaign.framework_id, kind__in=[Node.Kind.PILLAR, Node.Kind.MAIN])
        .order_by("order")
        .values_list("key", "code", "name", "kind")
    )
    wanted = [HEADLINE, *(key for key, *_rest in nodes)]
    results = {
        result.key: result
        for result in Result.objects.filter(
            campaign_id=submission.campaign_id, organisation_id=submission.organisation_id, key__in=wanted
        )
    }
    previous: dict[str, Decimal] = {}
    previous_year = None
    if compare:
        earlier = (
            Result.objects.filter(
                organisation_id=submission.organisation_id,
                campaign__level=submission.campaign.level,
                campaign__year=submission.campaign.year - 1,
                key__in=wanted,
            )
            .order_by("-campaign__year")
            .values_list("key", "final_score", "campaign__year")
        )
        for key, score, year in earlier:
            previous.setdefault(key, score)
            previous_year = year
    rows = []
    for key, code, name, kind in [(HEADLINE, HEADLINE, _("Chỉ số DTI"), "aggregate"), *nodes]:
        result = results.get(key)
        if result is None:
            continue
        rows.append(TotalRow(key=key, code=code, name=name, kind=kind, max_points=result.max_points,
                             self_score=result.self_score, final_score=result.final_score,
                             previous=previous.get(key)))  # fmt: skip
    recompute = Recompute.objects.filter(campaign_id=submission.campaign_id).first()
    return Totals(
        submission=submission,
        rows=rows,
        computed_at=recompute.finished_at if recompute else None,
        pending=bool(recompute and (recompute.pending or recompute.state == Recompute.State.RUNNING)),
        previous_year=previous_year,
    )
