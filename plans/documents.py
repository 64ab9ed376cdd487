"""The plan as people read it: rows built once (`plan_document`), written as the page, a Word document
laid out like seed 003's plan, or a PDF.

Word: python-docx, styles of its default template (Title, Heading 1–2, Table Grid), so that the office
can go on editing it as a document of its own. PDF: the same rows through a template and WeasyPrint.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from common.formatting import format_number
from rankings.models import DTI

from .models import ImprovementPlan, PlanEvent, PlanItem
from .summary import Reached, SummaryRow, reached


@dataclass
class MainGroup:
    """A main index of section III with its indices, most points lost first."""

    key: str
    name: str
    items: list[PlanItem] = field(default_factory=list)

    @property
    def lost(self) -> Decimal:
        return sum((item.points_lost for item in self.items), Decimal(0))


@dataclass(frozen=True)
class ItemLine:
    """An index of the plan with what the unit reached on it in the plan's year, once that is final."""

    item: PlanItem
    reached: Decimal | None
    target_met: bool | None


@dataclass
class PlanDocument:
    plan: ImprovementPlan
    unit_name: str
    summary: list[SummaryRow]
    items: list[PlanItem]
    groups: list[MainGroup]
    chosen: list[PlanItem]
    reached: Reached | None
    events: list[PlanEvent]

    @property
    def dti(self) -> SummaryRow | None:
        return next((row for row in self.summary if row.index == DTI), None)

    @property
    def pillars(self) -> list[SummaryRow]:
        return [row for row in self.summary if row.kind == "pillar"]

    @property
    def mains(self) -> list[SummaryRow]:
        return [row for row in self.summary if row.kind == "main"]

    @property
    def lines(self) -> list[ItemLine]:
        lines = []
        for item in self.items:
            value = None if self.reached is None else self.reached.values.get(item.key)
            met = None if value is None or item.target_value is None else round(value, 4) >= item.target_value
            lines.append(ItemLine(item, value, met))
        return lines

    def introduction(self) -> str:
        """Seed 003's opening sentence: the DTI value and rank against the previous year and the average."""
        dti = self.dti
        if dti is None or dti.value is None:
            return ""
        text = _("Năm %(year)s, %(unit)s đạt giá trị DTI %(value)s, xếp thứ %(rank)s/%(size)s") % {
            "year": self.plan.assessment_year,
            "unit": self.unit_name,
            "value": format_number(dti.value, 4),
            "rank": dti.rank or "—",
            "size": dti.group_size,
        }
        change = dti.rank_change
        if change:
            text += (_(" (tăng %(places)s bậc so với năm trước)") if change > 0
                     else _(" (giảm %(places)s bậc so với năm trước)")) % {"places": abs(change)}  # fmt: skip
        if dti.group_average is not None:
            text += _("; giá trị trung bình của nhóm là %(average)s") % {"average": format_number(dti.group_average, 4)}
        return text + "."


def plan_document(plan: ImprovementPlan) -> PlanDocument:
    items = list(plan.items.select_related("department").order_by("order"))
    groups: dict[str, MainGroup] = {}
    for item in items:
        groups.setdefault(item.main_key, MainGroup(item.main_key, item.main_name)).items.append(item)
    ordered = sorted(groups.values(), key=lambda group: -group.lost)
    later = reached(plan.organisation, year=plan.year, level=plan.campaign.level, keys=[item.key for item in items])
    return PlanDocument(
        plan=plan,
        unit_name=plan.organisation.names_in(plan.year)[0],
        summary=[SummaryRow.of(row) for row in plan.summary],
        items=items,
        groups=ordered,
        chosen=[item for item in items if item.chosen],
        reached=later,
        events=list(plan.events.select_related("actor", "item").order_by("at", "pk")),
    )


def _number(value: Decimal | None) -> str:
    return format_number(value, 4) if value is not None else "—"


def _points(value: Decimal | None) -> str:
    return format_number(value, 2) if value is not None else "—"


def _date(value: object) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else "—"  # type: ignore[attr-defined]


def plan_docx(document: PlanDocument) -> bytes:
    """The plan as an editable Word document: the title, section II's tables, section III's analysis per
    main index, the tasks assigned, and who approved it."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    plan = document.plan
    word = Document()
    heading = word.add_paragraph(_("KẾ HOẠCH"), style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = word.add_paragraph(plan.title)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.add_paragraph(plan.source_note).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if intro := document.introduction():
        word.add_paragraph(intro)

    word.add_heading(_("I. ĐÁNH GIÁ CHỈ SỐ CHUYỂN ĐỔI SỐ (DTI) NĂM %(year)s") % {"year": plan.assessment_year}, 1)
    word.add_heading(_("1. Kết quả theo trụ cột"), 2)
    _table(word, [_("Chỉ số"), _("Giá trị năm trước"), _("Hạng năm trước"), _("Giá trị"), _("Hạng"),
                  _("Trung bình nhóm")],
           [[row.label, _number(row.previous_value), str(row.previous_rank or "—"), _number(row.value),
             str(row.rank or "—"), _number(row.group_average)]
            for row in ([document.dti] if document.dti else []) + document.pillars])  # fmt: skip
    word.add_heading(_("2. Kết quả theo chỉ số chính"), 2)
    _table(word, [_("Chỉ số chính"), _("Giá trị"), _("Hạng"), _("Hạng năm trước"), _("Tăng/giảm"),
                  _("Trung bình nhóm")],
           [[row.label, _number(row.value), str(row.rank or "—"), str(row.previous_rank or "—"),
             "—" if row.rank_change is None else f"{row.rank_change:+d}", _number(row.group_average)]
            for row in document.mains])  # fmt: skip

    word.add_heading(_("II. PHÂN TÍCH CHỈ SỐ CHƯA ĐẠT ĐIỂM TỐI ĐA, NGUYÊN NHÂN"), 1)
    for number, group in enumerate(document.groups, start=1):
        word.add_heading(f"{number}. {group.name}", 2)
        _table(word, [_("Mã"), _("Chỉ số"), _("Điểm tối đa"), _("Điểm đạt"), _("Điểm bị mất"), _("Nguyên nhân")],
               [[item.code, item.name + (" — " + _("cần tập trung") if item.focus else ""), _points(item.max_points),
                 _points(item.final_score), _points(item.points_lost), "\n".join(item.reasons)]
                for item in group.items])  # fmt: skip

    word.add_heading(_("III. NHIỆM VỤ, GIẢI PHÁP VÀ PHÂN CÔNG THỰC HIỆN"), 1)
    _table(word, [_("STT"), _("Chỉ số"), _("Cơ quan chủ trì"), _("Nhiệm vụ, giải pháp"), _("Giá trị hiện tại"),
                  _("Mục tiêu"), _("Thời hạn")],
           [[str(number), f"{item.code} {item.name}", item.department.name if item.department else "—", item.tasks,
             _number(item.value), _number(item.target_value), _date(item.deadline)]
            for number, item in enumerate(document.chosen, start=1)])  # fmt: skip

    word.add_heading(_("IV. TỔ CHỨC THỰC HIỆN"), 1)
    departments = sorted({item.department.name for item in document.chosen if item.department})
    for name in departments:
        word.add_paragraph(name + _(": chủ trì thực hiện các nhiệm vụ được giao tại mục III."), style="List Bullet")
    closing = word.add_paragraph()
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if plan.approved_at is not None and plan.approved_by is not None:
        closing.add_run(_("Đã phê duyệt ngày %(date)s") % {"date": _date(timezone.localtime(plan.approved_at))})
        closing.add_run("\n" + (plan.approved_by.get_full_name() or plan.approved_by.username)).bold = True
    else:
        closing.add_run(_("Dự thảo — chưa phê duyệt")).italic = True
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _table(word: object, header: list[str], rows: list[list[str]]) -> None:
    table = word.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def plan_pdf(document: PlanDocument) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string("plans/plan_pdf.html", {"document": document})).write_pdf()
