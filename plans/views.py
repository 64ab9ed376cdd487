"""The improvement plan's pages: the unit's plans, one plan, one index's assignment, approval, downloads."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest
from accounts.models import Department, Role
from common.errors import DomainError, InvalidInput
from common.formatting import format_number
from common.pages import refusals_as_messages
from rankings.models import Publication
from rankings.whatif_data import ChangesInvalid, Requested, leaf_what_if, what_if_basis

from .access import get_plan_for_user, get_rw_plan_for_user, may_read_unit
from .documents import plan_document, plan_docx, plan_pdf
from .forms import PlanItemForm, ReopenForm
from .models import ImprovementPlan, PlanItem, PlanSource
from .services import approve_plan, generate_plan, may_edit, reopen_plan, update_plan_item
from .summary import plan_source, plan_source_submission


@login_required
def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    """The unit's plans, and the result a new one would start from; the authority sees every unit's."""
    user = request.user
    organisation = user.organisation
    if user.is_authority:
        plans = ImprovementPlan.objects.select_related("organisation", "campaign")
        source = None
    elif organisation is not None and may_read_unit(user, organisation.pk):
        plans = ImprovementPlan.objects.filter(organisation=organisation).select_related("organisation", "campaign")
        source = plan_source(organisation)
    else:
        raise Http404("No unit")
    existing = {plan.campaign_id for plan in plans}
    context = {
        "plans": list(plans),
        "source": source if source is not None and source.campaign.pk not in existing else None,
        "may_edit": organisation is not None and may_edit(user, organisation.pk),
    }
    return render(request, "plans/plan_list.html", context)


@login_required
@require_POST
def plan_generate(request: AuthenticatedRequest) -> HttpResponse:
    organisation = request.user.organisation
    if organisation is None:
        raise Http404("No unit")
    with refusals_as_messages(request):
        plan = generate_plan(organisation_id=organisation.pk, by=request.user)
        messages.success(request, _("Đã lập dự thảo kế hoạch từ %(source)s.") % {"source": plan.source_note})
        return redirect("plans:detail", plan_id=plan.pk)
    return redirect("plans:list")


@login_required
def plan_detail(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    document = plan_document(plan)
    editable = plan.is_draft and may_edit(request.user, plan.organisation_id)
    context = {
        **_what_if(request, plan),
        "document": document,
        "plan": plan,
        "editable": editable,
        "may_approve": request.user.may_act_as(Role.LEADER, plan.organisation_id),
        "reopen_form": ReopenForm(initial={"version": plan.version}),
        "no_departments": editable and not Department.objects.filter(organisation_id=plan.organisation_id).exists(),
    }
    return render(request, "plans/plan_detail.html", context)


# Rows of the plan's "nếu … đạt …" form.
WHAT_IF_ROWS = 3


def _what_if(request: AuthenticatedRequest, plan: ImprovementPlan) -> dict[str, object]:
    """The plan's what-if: on the unit's final answers (any leaf, `leaf`/`answer` rows of the form) where the
    plan starts from a settled submission, and the published guidance (the value each main index needs for
    a better rank, where the most points are left) where its year is published."""
    context: dict[str, object] = {"what_if_rows": [], "what_if_outcome": None, "guidance": None}
    submission = plan_source_submission(plan)
    if submission is not None:
        asked = [
            Requested(leaf.strip(), answer.strip())
            for leaf, answer in zip(request.GET.getlist("leaf"), request.GET.getlist("answer"), strict=False)
            if leaf.strip() or answer.strip()
        ][:WHAT_IF_ROWS]
        refused: dict[int, dict[str, str]] = {}
        if asked:
            try:
                context["what_if_outcome"] = leaf_what_if(submission=submission, changes=asked)
            except ChangesInvalid as error:
                refused = error.rows
            except DomainError as error:
                refused = {0: {"index": error.message}}
        rows = [(n, item.index, item.value, refused.get(n, {})) for n, item in enumerate(asked)]
        rows += [(n, "", "", {}) for n in range(len(rows), WHAT_IF_ROWS)]
        context["what_if_rows"] = rows
        context["what_if_leaves"] = list(
            submission.answers.select_related("node")
            .order_by("node__order")
            .values_list("node__key", "node__code", "node__name")
        )
    if plan.source == PlanSource.PUBLISHED:
        try:
            basis = what_if_basis(organisation=plan.organisation, among=Publication.objects.official(),
                                  year=plan.assessment_year, level=plan.campaign.level)  # fmt: skip
        except DomainError:
            basis = None
        if basis is not None:
            context["guidance"] = {"rank_up": basis.rank_up, "gains": basis.gains, "rank": basis.member.dti.rank,
                                   "places": basis.publication.campaign.framework.precision}  # fmt: skip
    return context


@login_required
def plan_item(request: AuthenticatedRequest, plan_id: int, item_id: int) -> HttpResponse:
    """One index's assignment: whether it is in the plan, who leads it, the tasks, the target, the deadline."""
    plan = get_rw_plan_for_user(request.user, plan_id)
    item = get_object_or_404(PlanItem.objects.select_related("department"), pk=item_id, plan=plan)
    if request.method == "POST":
        form = PlanItemForm(request.POST, organisation_id=plan.organisation_id)
        if form.is_valid():
            try:
                update_plan_item(item_id=item.pk, by=request.user, given=form.item_input(),
                                 expected_version=form.cleaned_data["version"])  # fmt: skip
            except InvalidInput as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Đã lưu chỉ số %(code)s.") % {"code": item.code})
                return redirect(f"{plan.get_absolute_url()}#item-{item.pk}")
    else:
        form = PlanItemForm(
            # The page is reached to assign the index or to edit its assignment: ticked, and unticking drops it.
            initial={"chosen": True, "department": item.department,
                     "tasks": item.tasks, "target_value": _shown(item.target_value), "deadline": item.deadline,
                     "version": plan.version},
            organisation_id=plan.organisation_id,
        )  # fmt: skip
    return render(request, "plans/plan_item.html", {"plan": plan, "item": item, "form": form})


def _shown(value: Decimal | None) -> str:
    return "" if value is None else format_number(value, 4)


@login_required
@require_POST
def plan_approve(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    with refusals_as_messages(request):
        approve_plan(plan_id=plan.pk, by=request.user, expected_version=_version(request))
        messages.success(request, _("Đã phê duyệt kế hoạch."))
    return redirect("plans:detail", plan_id=plan.pk)


@login_required
@require_POST
def plan_reopen(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    form = ReopenForm(request.POST)
    with refusals_as_messages(request):
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        reopen_plan(plan_id=plan.pk, by=request.user, reason=reason, expected_version=_version(request))
        messages.success(request, _("Đã mở lại kế hoạch để sửa."))
    return redirect("plans:detail", plan_id=plan.pk)


def _version(request: AuthenticatedRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise InvalidInput({"version": _("Thiếu phiên bản của kế hoạch; hãy tải lại trang.")}) from None


def _filename(plan: ImprovementPlan, extension: str) -> str:
    return f"ke-hoach-cai-thien-dti-{plan.organisation.code}-{plan.year}.{extension}"


@login_required
def plan_word(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    response = HttpResponse(
        plan_docx(plan_document(plan)),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "docx")}"'
    return response


@login_required
def plan_pdf_download(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    response = HttpResponse(plan_pdf(plan_document(plan)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "pdf")}"'
    return response
