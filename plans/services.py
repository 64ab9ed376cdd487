"""The improvement plan's steps: generate, edit an index, approve, reopen. Each is one function, in one
transaction, locking the plan and writing its history row with the change."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, Organisation, Role, User
from common.errors import Forbidden, InvalidInput, StaleError, WorkflowError
from common.formatting import format_number
from common.text import text_problem

from .models import ImprovementPlan, PlanEvent, PlanItem, PlanState
from .summary import plan_items, plan_source, summary_rows

MAX_TASKS = 4000
# Roles of the unit that keep its plan; the leader alone approves it.
EDITING_ROLES = (Role.OFFICE, Role.LEADER)


def may_edit(user: User, organisation_id: int) -> bool:
    return any(user.may_act_as(role, organisation_id) for role in EDITING_ROLES)


def _require_editor(user: User, organisation_id: int) -> None:
    if not may_edit(user, organisation_id):
        raise Forbidden(_("Chỉ văn phòng và lãnh đạo của đơn vị được lập và sửa kế hoạch."))


def _require_leader(user: User, organisation_id: int) -> None:
    if not user.may_act_as(Role.LEADER, organisation_id):
        raise Forbidden(_("Chỉ lãnh đạo của đơn vị được phê duyệt kế hoạch."))


def _locked(plan_id: int, expected_version: int | None = None) -> ImprovementPlan:
    plan = ImprovementPlan.objects.select_for_update().select_related("campaign").get(pk=plan_id)
    if expected_version is not None and plan.version != expected_version:
        raise StaleError(_("Kế hoạch vừa được người khác thay đổi. Hãy tải lại trang để xem bản mới nhất."))
    return plan


def _changed(plan: ImprovementPlan) -> None:
    plan.version += 1
    plan.save(update_fields=["state", "approved_by", "approved_at", "version"])


@transaction.atomic
def generate_plan(*, organisation_id: int, by: User) -> ImprovementPlan:
    """The unit's plan from its latest final or published result; the existing one when it was already
    generated from that result."""
    _require_editor(by, organisation_id)
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    source = plan_source(organisation)
    if source is None:
        raise WorkflowError(_("Đơn vị chưa có kết quả thẩm định cuối cùng hoặc kết quả công bố để lập kế hoạch."))
    existing = ImprovementPlan.objects.filter(organisation=organisation, campaign=source.campaign).first()
    if existing is not None:
        return existing
    year = source.campaign.year + 1
    name = organisation.names_in(year)[0]
    plan = ImprovementPlan.objects.create(
        organisation=organisation,
        campaign=source.campaign,
        year=year,
        title=_("Kế hoạch cải thiện và nâng cao chỉ số chuyển đổi số (DTI) %(unit)s năm %(year)s")
        % {"unit": name, "year": year},
        source=source.kind,
        source_note=source.note(),
        summary=[row.stored() for row in summary_rows(source)],
        created_by=by,
    )
    PlanItem.objects.bulk_create(
        PlanItem(plan=plan, key=row.key, code=row.code, name=row.name, kind=row.kind, main_key=row.main_key,
                 main_name=row.main_name, max_points=row.max_points, final_score=row.final_score,
                 reasons=row.reasons, focus=row.focus, focus_note=row.focus_note, order=position)
        for position, row in enumerate(plan_items(source), start=1)
    )  # fmt: skip
    PlanEvent.objects.create(plan=plan, kind=PlanEvent.Kind.GENERATED, actor=by, new={"source": source.note()})
    return plan


@dataclass(frozen=True)
class ItemInput:
    """What the unit decides about one index of its plan."""

    chosen: bool
    department_id: int | None = None
    tasks: str = ""
    target_value: Decimal | None = None
    deadline: datetime.date | None = None


def _item_errors(item: PlanItem, given: ItemInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not given.chosen:
        return errors
    if (
        given.department_id is not None
        and not Department.objects.filter(pk=given.department_id, organisation_id=item.plan.organisation_id).exists()
    ):
        errors["department"] = _("Chọn một cơ quan, đơn vị trong danh sách của đơn vị.")
    if len(given.tasks) > MAX_TASKS:
        errors["tasks"] = _("Nhiệm vụ dài quá %(limit)s ký tự.") % {"limit": MAX_TASKS}
    elif (problem := text_problem(given.tasks)) is not None:
        errors["tasks"] = problem
    current = item.value
    if given.target_value is not None:
        if not Decimal(0) <= given.target_value <= Decimal(1):
            errors["target_value"] = _("Giá trị mục tiêu là một số từ 0 đến 1, ví dụ 0,8.")
        elif given.target_value.as_tuple().exponent < -4:  # type: ignore[operator]
            errors["target_value"] = _("Giá trị mục tiêu có nhiều nhất 4 chữ số thập phân.")
        elif current is not None and given.target_value < round(current, 4):
            errors["target_value"] = _("Giá trị mục tiêu không được thấp hơn giá trị đã đạt (%(value)s).") % {
                "value": format_number(current, 4)
            }
    if given.deadline is not None and given.deadline.year < item.plan.campaign.year:
        errors["deadline"] = _("Thời hạn phải sau năm đánh giá %(year)s.") % {"year": item.plan.campaign.year}
    return errors


def _item_state(item: PlanItem) -> dict[str, Any]:
    return {
        "chosen": item.chosen,
        "department": item.department_id,
        "tasks": item.tasks,
        "target_value": None if item.target_value is None else str(item.target_value),
        "deadline": None if item.deadline is None else item.deadline.isoformat(),
    }


@transaction.atomic
def update_plan_item(*, item_id: int, by: User, given: ItemInput, expected_version: int) -> PlanItem:
    """Choose an index for the plan (or drop it) with its department, tasks, target and deadline."""
    item = PlanItem.objects.select_related("plan").get(pk=item_id)
    _require_editor(by, item.plan.organisation_id)
    plan = _locked(item.plan_id, expected_version)
    if not plan.is_draft:
        raise WorkflowError(_("Kế hoạch đã được phê duyệt; lãnh đạo mở lại thì mới sửa được."))
    item.plan = plan
    errors = _item_errors(item, given)
    if errors:
        raise InvalidInput(errors)
    old = _item_state(item)
    item.chosen = given.chosen
    # An index left out of the plan keeps no assignment: nobody is responsible for what is not planned.
    item.department_id = given.department_id if given.chosen else None
    item.tasks = given.tasks.strip() if given.chosen else ""
    item.target_value = given.target_value if given.chosen else None
    item.deadline = given.deadline if given.chosen else None
    new = _item_state(item)
    if new == old:
        return item
    item.save(update_fields=["chosen", "department", "tasks", "target_value", "deadline"])
    _changed(plan)
    PlanEvent.objects.create(plan=plan, kind=PlanEvent.Kind.ITEM, item=item, actor=by, old=old, new=new)
    return item


@transaction.atomic
def approve_plan(*, plan_id: int, by: User, expected_version: int) -> ImprovementPlan:
    """The leader approves the draft: every chosen index must say who does what, by when, towards what."""
    plan = _locked(plan_id, expected_version)
    _require_leader(by, plan.organisation_id)
    if not plan.is_draft:
        raise WorkflowError(_("Kế hoạch đã được phê duyệt."))
    chosen = list(plan.items.chosen())
    if not chosen:
        raise WorkflowError(_("Chọn ít nhất một chỉ số cần cải thiện trước khi phê duyệt."))
    incomplete = [item.code for item in chosen if not item.is_complete()]
    if incomplete:
        raise WorkflowError(
            _("Các chỉ số chưa đủ cơ quan chủ trì, nhiệm vụ, mục tiêu và thời hạn: %(codes)s.")
            % {"codes": ", ".join(incomplete)},
            leaves=[item.key for item in chosen if not item.is_complete()],
        )
    plan.state, plan.approved_by, plan.approved_at = PlanState.APPROVED, by, timezone.now()
    _changed(plan)
    PlanEvent.objects.create(plan=plan, kind=PlanEvent.Kind.APPROVED, actor=by, new={"items": len(chosen)})
    return plan


@transaction.atomic
def reopen_plan(*, plan_id: int, by: User, reason: str, expected_version: int) -> ImprovementPlan:
    """The leader takes an approved plan back to draft to amend it, saying why."""
    plan = _locked(plan_id, expected_version)
    _require_leader(by, plan.organisation_id)
    if plan.is_draft:
        raise WorkflowError(_("Kế hoạch đang là dự thảo."))
    reason = reason.strip()
    if not reason:
        raise InvalidInput({"reason": _("Nêu lý do mở lại kế hoạch.")})
    if (problem := text_problem(reason)) is not None:
        raise InvalidInput({"reason": problem})
    plan.state, plan.approved_by, plan.approved_at = PlanState.DRAFT, None, None
    _changed(plan)
    PlanEvent.objects.create(plan=plan, kind=PlanEvent.Kind.REOPENED, actor=by, comment=reason)
    return plan
