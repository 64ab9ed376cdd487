"""Pages of the appraisal: the appraiser's queue and review, the unit's replies, authority values,
the expert panel and the coverage of leaves. Each view parses input, checks access, calls one
service or query, and renders."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook

from accounts.models import Organisation, Region, Role, User
from common.formatting import format_number, parse_number
from common.spreadsheets import SpreadsheetError, workbook_bytes, write_row
from indicators.models import Node

from .access import get_answer_for_user, get_submission_for_user
from .appraisal import (
    APPRAISAL_STATES,
    ExpertInput,
    accept_undecided,
    appraise_answer,
    assign_appraiser,
    authority_leaves,
    exclude_leaf,
    expert_leaves,
    import_authority_values,
    leaf_coverage,
    panel_warnings,
    reply_to_appraisal,
    revoke_exclusion,
    save_expert_panel,
    set_authority_value,
    settle_answer,
)
from .forms import (
    AppraisalForm,
    AssignmentForm,
    AuthoritySheetForm,
    AuthorityValueForm,
    EvidenceForm,
    ExclusionForm,
    ReplyForm,
)
from .models import (
    Action,
    Answer,
    Campaign,
    Decision,
    Evidence,
    Exclusion,
    Expert,
    FinalDecision,
    StaleAnswerError,
    Submission,
    SubmissionState,
    WorkflowError,
)
from .services import AnswerInvalid, ImportRejected

AUTHORITY_QUEUE_STATES = [
    SubmissionState.SUBMITTED,
    SubmissionState.UNDER_APPRAISAL,
    SubmissionState.EXPLANATION,
    SubmissionState.EXPLANATION_AWAITING_LEADER,
    SubmissionState.FINAL_APPRAISAL,
    SubmissionState.FINALISED,
    SubmissionState.PUBLISHED,
]


def _require_authority(user: User) -> None:
    if not (user.has_role(Role.APPRAISER) or user.has_role(Role.ADMIN)):
        raise PermissionDenied(_("Trang này dành cho cơ quan đánh giá."))


def _require_appraiser(user: User) -> None:
    if not user.has_role(Role.APPRAISER):
        raise PermissionDenied(_("Trang này dành cho cán bộ thẩm định."))


def _appraisers() -> list[User]:
    return [user for user in User.objects.filter(is_active=True).order_by("username") if user.has_role(Role.APPRAISER)]


@login_required
def appraisal_queue(request: HttpRequest) -> HttpResponse:
    """Submissions with the authority and after: filters, counts per state, lateness and assignment."""
    user: User = request.user  # type: ignore[assignment]
    _require_authority(user)
    appraisers = _appraisers()
    if request.method == "POST":
        form = AssignmentForm(request.POST)
        form.fields["submissions"].choices = [
            (pk, pk) for pk in Submission.objects.filter(state__in=AUTHORITY_QUEUE_STATES).values_list("pk", flat=True)
        ]
        form.fields["appraiser"].choices = [("", "—"), *((person.pk, person.username) for person in appraisers)]
        if form.is_valid():
            appraiser = next((person for person in appraisers if person.pk == form.cleaned_data["appraiser"]), None)
            try:
                count = assign_appraiser(submission_ids=form.cleaned_data["submissions"], appraiser=appraiser, by=user)
                messages.success(request, _("Đã phân công %(count)s hồ sơ.") % {"count": count})
            except (AnswerInvalid, PermissionDenied) as error:
                messages.error(request, str(error))
        else:
            messages.error(request, _("Chọn ít nhất một hồ sơ để phân công."))
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    campaigns = Campaign.objects.exclude(state=Campaign.State.DRAFT).order_by("-year", "level")
    filters = {name: request.GET.get(name, "") for name in ("campaign", "state", "group", "region", "appraiser")}
    scope = Submission.objects.filter(state__in=AUTHORITY_QUEUE_STATES)
    if filters["campaign"].isdigit():
        scope = scope.filter(campaign_id=int(filters["campaign"]))
    if filters["group"]:
        scope = scope.filter(organisation__group=filters["group"])
    if filters["region"]:
        scope = scope.filter(organisation__region__code=filters["region"])
    if filters["appraiser"] == "me":
        scope = scope.filter(appraiser=user)
    elif filters["appraiser"] == "none":
        scope = scope.filter(appraiser=None)
    elif filters["appraiser"].isdigit():
        scope = scope.filter(appraiser_id=int(filters["appraiser"]))
    counts = dict(scope.values_list("state").annotate(count=Count("id")).values_list("state", "count"))
    submissions = scope.filter(state=filters["state"]) if filters["state"] else scope
    submissions = (
        submissions.select_related("campaign", "organisation", "appraiser")
        .annotate(
            decided=Count(
                "answers", filter=Q(answers__node__source="self_report") & ~Q(answers__appraisal_decision="")
            ),
            reported=Count("answers", filter=Q(answers__node__source="self_report")),
            contested=Count("answers", filter=Q(answers__appraisal_decision__in=[Decision.ADJUST, Decision.QUESTION])),
        )
        .order_by("campaign__year", "organisation__code")
    )
    today = timezone.localdate()
    context = {
        "submissions": submissions,
        "late": {submission.pk for submission in submissions if submission.is_late(today)},
        "counts": [(state, SubmissionState(state).label, counts.get(state, 0)) for state in AUTHORITY_QUEUE_STATES],
        "filters": filters,
        "campaigns": campaigns,
        "regions": Region.objects.all(),
        "groups": Organisation.Group.choices,
        "appraisers": appraisers,
    }
    return render(request, "submissions/appraisal_queue.html", context)


def _decisions_for(submission: Submission) -> list[tuple[str, str]]:
    if submission.state == SubmissionState.FINAL_APPRAISAL:
        return list(FinalDecision.choices)
    return list(Decision.choices)


def _appraisal_form(answer: Answer, submission: Submission, data: Any = None) -> AppraisalForm:
    final = submission.state == SubmissionState.FINAL_APPRAISAL
    values = answer.stage_values("final" if final else "appraised")
    initial: dict[str, Any] = {
        "review_version": answer.review_version,
        "decision": (answer.final_decision if final else answer.appraisal_decision) or None,
        "reason": answer.final_reason if final else answer.appraisal_reason,
    }
    for name, value in values.items():
        if value not in (None, ""):
            initial[name] = value if name == "choice" else (
                str(int(value)) if answer.node.rule == "boolean" else format_number(value)
            )  # fmt: skip
    return AppraisalForm(data, node=answer.node, decisions=_decisions_for(submission), initial=initial,
                         prefix=answer.node.anchor)  # fmt: skip


def _review_item(answer: Answer, submission: Submission, nodes: dict[int, Node], form: Any = None) -> dict[str, Any]:
    node = answer.node
    item: dict[str, Any] = {"answer": answer, "path": node.ancestors(nodes), "changed": answer.changed_since_review()}
    if node.source == "self_report":
        if submission.state in APPRAISAL_STATES or (
            submission.state == SubmissionState.FINAL_APPRAISAL and answer.is_contested()
        ):
            item["form"] = form or _appraisal_form(answer, submission)
        item["appraised_score"] = answer.stage_score("appraised")
        item["final_score"] = answer.stage_score("final")
    elif submission.state not in (SubmissionState.FINALISED, SubmissionState.PUBLISHED):
        initial = {}
        if answer.value is not None:
            initial["value"] = format_number(answer.value)
        item["authority_form"] = form or AuthorityValueForm(node=node, initial=initial, prefix=node.anchor)
    return item


def _review_sections(submission: Submission, forms: dict[int, Any] | None = None) -> list[dict[str, Any]]:
    nodes = {node.pk: node for node in submission.campaign.framework.nodes.all()}
    answers = (
        submission.answers.select_related("node", "appraised_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.filter(removed_at=None)))
        .order_by("node__order")
    )
    sections: dict[int, dict[str, Any]] = {}
    for answer in answers:
        main = answer.node.main_index(nodes)
        section = sections.setdefault(
            main.pk, {"node": main, "pillar": nodes.get(main.parent_id) if main.parent_id else None, "items": []}
        )
        section["items"].append(_review_item(answer, submission, nodes, (forms or {}).get(answer.pk)))
    for section in sections.values():
        reported = [item for item in section["items"] if item["answer"].node.source == "self_report"]
        section["decided"] = sum(1 for item in reported if item["answer"].appraisal_decision)
        section["reported"] = len(reported)
        section["undecided"] = section["reported"] - section["decided"]
    return list(sections.values())


@login_required
@require_GET
def submission_review(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The appraiser's page for one unit: every leaf with its evidence, decisions, and the next step."""
    user: User = request.user  # type: ignore[assignment]
    _require_authority(user)
    submission = get_submission_for_user(user, submission_id)
    return render(request, "submissions/review.html", _review_context(request, submission))


def _review_context(
    request: HttpRequest, submission: Submission, forms: dict[int, Any] | None = None
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    sections = _review_sections(submission, forms)
    items = [item for section in sections for item in section["items"]]
    return {
        "submission": submission,
        "sections": sections,
        "can_appraise": submission.can_appraise(user),
        "actions": [action for action in submission.allowed_actions(user) if action != Action.START_APPRAISAL],
        "action_labels": dict(Action.choices),
        "changed": [item for item in items if item["changed"]],
        "decided": sum(section["decided"] for section in sections),
        "reported": sum(section["reported"] for section in sections),
        "contested": [item for item in items if item["answer"].is_contested()],
        "final_round": submission.state == SubmissionState.FINAL_APPRAISAL,
    }


@login_required
@require_POST
def answer_appraise(request: HttpRequest, submission_id: int, leaf_key: str) -> HttpResponse:
    """Record one decision. With HTMX the leaf comes back; without, the page reloads at the leaf."""
    user: User = request.user  # type: ignore[assignment]
    _require_appraiser(user)
    answer = get_answer_for_user(user, submission_id, leaf_key)
    submission = answer.submission
    form = AppraisalForm(
        request.POST, node=answer.node, decisions=_decisions_for(submission), prefix=answer.node.anchor
    )
    step = settle_answer if submission.state == SubmissionState.FINAL_APPRAISAL else appraise_answer
    status = _submit(form, lambda data: step(
        answer_id=answer.pk, user=user, decision=data["decision"], reason=data["reason"], given=form.given(),
        expected_review_version=data["review_version"],
    ))  # fmt: skip
    if status == 200:
        form = None  # type: ignore[assignment]
    if not request.htmx:  # type: ignore[attr-defined]
        if status == 200:
            messages.success(request, _("Đã ghi kết luận cho %(code)s.") % {"code": answer.node.code})
            return redirect(f"{_review_url(submission)}#{answer.node.anchor}")
        messages.error(request, _("Chưa ghi kết luận cho %(code)s: xem lỗi bên dưới.") % {"code": answer.node.code})
        submission = get_submission_for_user(user, submission_id)
        return render(request, "submissions/review.html", _review_context(request, submission, {answer.pk: form}),
                      status=status)  # fmt: skip
    return _render_review_leaf(request, answer.pk, form, status)


def _submit(form: Any, step: Callable[[dict[str, Any]], object]) -> int:
    """Run a service step with a valid form's data; put its refusal next to the fields. The status:
    200 done, 400 bad input, 409 not allowed now or changed by someone else."""
    if not form.is_valid():
        return 400
    try:
        step(form.cleaned_data)
    except AnswerInvalid as error:
        for field, message in error.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return 400
    except (StaleAnswerError, WorkflowError) as error:
        form.add_error(None, str(error))
        return 409
    return 200


def _render_review_leaf(request: HttpRequest, answer_id: int, form: Any, status: int) -> HttpResponse:
    answer = (
        Answer.objects.select_related("node", "submission__campaign__framework", "appraised_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.filter(removed_at=None)))
        .get(pk=answer_id)
    )
    submission = answer.submission
    nodes = {node.pk: node for node in submission.campaign.framework.nodes.all()}
    item = _review_item(answer, submission, nodes, form)
    saved = status == 200
    return render(request, "submissions/_review_leaf.html", {"item": item, "submission": submission,
                                                              "saved": saved}, status=status)  # fmt: skip


def _review_url(submission: Submission) -> str:
    from django.urls import reverse

    return reverse("submissions:review", args=[submission.pk])


@login_required
@require_POST
def review_accept_undecided(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Accept, in one step, the leaves of a section the appraiser left without a decision."""
    user: User = request.user  # type: ignore[assignment]
    _require_appraiser(user)
    submission = get_submission_for_user(user, submission_id)
    section = request.POST.get("section") or None
    try:
        count = accept_undecided(submission_id=submission.pk, user=user, section_key=section)
        messages.success(request, _("Đã chấp nhận %(count)s chỉ số chưa có kết luận.") % {"count": count})
    except WorkflowError as error:
        messages.error(request, str(error))
    anchor = f"#section-{Node(key=section).anchor}" if section else ""
    return redirect(f"{_review_url(submission)}{anchor}")


@login_required
@require_POST
def answer_authority_value(request: HttpRequest, submission_id: int, leaf_key: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    _require_appraiser(user)
    answer = get_answer_for_user(user, submission_id, leaf_key)
    form = AuthorityValueForm(request.POST, node=answer.node, prefix=answer.node.anchor)
    status = _submit(form, lambda _data: set_authority_value(answer_id=answer.pk, user=user, given=form.given()))
    if not request.htmx:  # type: ignore[attr-defined]
        if status == 200:
            messages.success(request, _("Đã lưu %(code)s.") % {"code": answer.node.code})
        else:
            messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect(f"{_review_url(answer.submission)}#{answer.node.anchor}")
    return _render_review_leaf(request, answer.pk, None if status == 200 else form, status)


@login_required
@require_POST
def answer_reply(request: HttpRequest, submission_id: int, leaf_key: str) -> HttpResponse:
    """The unit's explanation of one adjusted or questioned leaf."""
    user: User = request.user  # type: ignore[assignment]
    answer = get_answer_for_user(user, submission_id, leaf_key)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            reply_to_appraisal(answer_id=answer.pk, user=user, reply=form.cleaned_data["reply"])
            messages.success(request, _("Đã lưu giải trình %(code)s.") % {"code": answer.node.code})
        except (WorkflowError, PermissionDenied, AnswerInvalid) as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Nội dung giải trình không được để trống."))
    return redirect(f"{answer.submission.get_absolute_url()}#appraisal-{answer.node.anchor}")


def appraisal_outcome(submission: Submission, user: User) -> list[dict[str, Any]]:
    """What the unit sees of the appraisal: each contested leaf, reported vs appraised, points lost."""
    if not submission.shows_appraisal_to(user):
        return []
    answers = (
        submission.answers.filter(appraisal_decision__in=[Decision.ADJUST, Decision.QUESTION])
        .select_related("node")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.filter(removed_at=None)))
        .order_by("node__order")
    )
    outcome = []
    for answer in answers:
        self_score = answer.stage_score("self") or Decimal(0)
        appraised_score = answer.stage_score("appraised") or Decimal(0)
        final_score = answer.stage_score("final") or Decimal(0)
        outcome.append(
            {
                "answer": answer,
                "self_score": self_score,
                "appraised_score": appraised_score,
                "final_score": final_score,
                "lost": self_score - appraised_score,
                "reply_form": ReplyForm(initial={"reply": answer.explanation_reply}, prefix=answer.node.anchor),
                "evidence_form": EvidenceForm(),
            }
        )
    return outcome


# Values the authority supplies for a whole campaign.


@login_required
def authority_values(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """One sheet of authority values for every unit: template download, dry run, then apply."""
    user: User = request.user  # type: ignore[assignment]
    _require_appraiser(user)
    campaign = get_object_or_404(Campaign.objects.select_related("framework"), pk=campaign_id)
    leaves = authority_leaves(campaign)
    if request.GET.get("template") == "xlsx":
        return _authority_template(campaign, leaves)
    form = AuthoritySheetForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"campaign": campaign, "form": form, "leaves": leaves}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        apply = not form.cleaned_data["dry_run"]
        try:
            changes = import_authority_values(
                campaign_id=campaign.pk, user=user, content=upload.read(), filename=upload.name, apply=apply
            )
        except (ImportRejected, SpreadsheetError) as error:
            context["problems"] = getattr(error, "problems", [str(error)])
            status = 400
        else:
            if apply:
                messages.success(request, _("Đã nhập %(count)s giá trị.") % {"count": len(changes)})
                return redirect("submissions:authority-values", campaign_id=campaign.pk)
            context["changes"] = changes
    return render(request, "submissions/authority_values.html", context, status=status)


def _authority_template(campaign: Campaign, leaves: list[Node]) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "So lieu"
    write_row(sheet, [_("Đơn vị (mã hoặc tên)"), *(leaf.key for leaf in leaves)])
    write_row(sheet, [_("Tên chỉ số →"), *(leaf.name[:200] for leaf in leaves)])
    values: dict[tuple[int, int], Decimal | None] = {
        (submission_id, node_id): value
        for submission_id, node_id, value in Answer.objects.filter(
            submission__campaign=campaign, node__in=leaves
        ).values_list("submission_id", "node_id", "value")
    }
    for submission in Submission.objects.filter(campaign=campaign).select_related("organisation"):
        write_row(
            sheet,
            [submission.organisation.code, *(_cell(values.get((submission.pk, leaf.pk))) for leaf in leaves)],
        )
    response = HttpResponse(
        workbook_bytes(workbook), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="so-lieu-co-quan-danh-gia-{campaign.pk}.xlsx"'
    return response


def _cell(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# The expert panel of one unit.


@login_required
def expert_panel(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The unit's experts and their scores per expert leaf; the mean of each leaf becomes its value.

    The grid is posted whole: rows expert-<n>-name / -category / -position / -<leaf key>.
    """
    user: User = request.user  # type: ignore[assignment]
    _require_appraiser(user)
    submission = get_submission_for_user(user, submission_id)
    leaves = expert_leaves(submission)
    experts = list(submission.experts.prefetch_related("scores__node"))
    errors: dict[str, str] = {}
    rows: list[dict[str, Any]]
    if request.method == "POST":
        rows = _posted_panel(request.POST, leaves)
        inputs = [row["input"] for row in rows if row["input"].name or row["input"].scores]
        try:
            warnings = save_expert_panel(submission_id=submission.pk, user=user, experts=inputs)
        except AnswerInvalid as error:
            errors = error.errors
        except (WorkflowError, PermissionDenied) as error:
            errors = {"panel": str(error)}
        else:
            messages.success(request, _("Đã lưu hội đồng chuyên gia (%(count)s người).") % {"count": len(inputs)})
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("submissions:experts", submission_id=submission.pk)
    else:
        rows = [
            {
                "input": ExpertInput(expert.name, expert.category, expert.position,
                                     {score.node.key: score.score for score in expert.scores.all()}),
                "text": {score.node.key: format_number(score.score) for score in expert.scores.all()},
            }
            for expert in experts
        ]  # fmt: skip
    while len(rows) < 20:
        rows.append({"input": ExpertInput("", "", ""), "text": {}})
    for number, row in enumerate(rows, start=1):
        row["number"] = number
        row["cells"] = [
            {"leaf": leaf, "text": row["text"].get(leaf.key, ""), "error": errors.get(f"expert-{number}-{leaf.key}")}
            for leaf in leaves
        ]
        row["errors"] = [errors[key] for key in (f"expert-{number}-name", f"expert-{number}-category") if key in errors]
    means = {
        leaf.key: answer.value
        for leaf in leaves
        for answer in submission.answers.filter(node=leaf)
    }  # fmt: skip
    context = {
        "submission": submission,
        "leaves": leaves,
        "rows": rows,
        "errors": errors,
        "means": [(leaf, means.get(leaf.key)) for leaf in leaves],
        "categories": Expert.Category.choices,
        "composition": Counter(expert.category for expert in experts),
        "warnings": panel_warnings(experts) if experts and request.method != "POST" else [],
    }
    return render(request, "submissions/expert_panel.html", context, status=400 if errors else 200)


def _posted_panel(data: Any, leaves: list[Node]) -> list[dict[str, Any]]:
    rows = []
    for number in range(1, 41):
        name = data.get(f"expert-{number}-name", "").strip()
        category = data.get(f"expert-{number}-category", "")
        position = data.get(f"expert-{number}-position", "")
        texts = {leaf.key: data.get(f"expert-{number}-{leaf.key}", "").strip() for leaf in leaves}
        if not name and not any(texts.values()) and f"expert-{number}-name" not in data:
            continue
        scores: dict[str, Decimal] = {}
        for key, text in texts.items():
            try:
                value = parse_number(text)
            except Exception:  # noqa: BLE001 - a bad number is reported below as out of range
                value = Decimal(-1)
            if value is not None:
                scores[key] = value
        rows.append({"input": ExpertInput(name, category, position, scores), "text": texts})
    return rows


# Coverage and exclusions.


@login_required
def campaign_coverage(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Per leaf, the share of units that reported it; the administrator excludes or restores leaves."""
    user: User = request.user  # type: ignore[assignment]
    _require_authority(user)
    campaign = get_object_or_404(Campaign.objects.select_related("framework"), pk=campaign_id)
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                exclusion = get_object_or_404(Exclusion, pk=request.POST.get("revoke"), campaign=campaign)
                revoke_exclusion(exclusion_id=exclusion.pk, by=user, reason=request.POST.get("reason", ""))
                messages.success(request, _("Đã tính lại chỉ số %(code)s.") % {"code": exclusion.node.code})
            else:
                form = ExclusionForm(request.POST)
                if not form.is_valid():
                    raise AnswerInvalid({"reason": _("Phải nêu lý do loại chỉ số.")})
                exclude_leaf(campaign_id=campaign.pk, node_id=form.cleaned_data["node"], by=user,
                             reason=form.cleaned_data["reason"])  # fmt: skip
                messages.success(request, _("Đã loại chỉ số khỏi đánh giá; điểm sẽ được tính lại."))
        except AnswerInvalid as error:
            messages.error(request, " ".join(error.errors.values()))
        except (WorkflowError, PermissionDenied) as error:
            messages.error(request, str(error))
        return redirect("submissions:coverage", campaign_id=campaign.pk)
    coverage = leaf_coverage(campaign)
    context = {
        "campaign": campaign,
        "coverage": coverage,
        "proposed": [item for item in coverage if item.proposed],
        "history": campaign.exclusions.select_related("node", "created_by", "revoked_by"),
        "is_admin": user.has_role(Role.ADMIN),
    }
    return render(request, "submissions/coverage.html", context)
