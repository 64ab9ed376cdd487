"""The appraiser's pages: the queue, the review of one unit, decisions on leaves, the unit's replies."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_stubs_ext import StrOrPromise

from accounts.http import AuthenticatedRequest
from accounts.models import Organisation, Region, User
from common.errors import DomainError, InvalidInput
from common.formatting import format_number
from common.pages import form_errors_as_messages, refusals_as_messages
from common.vocabulary import Stage
from indicators.models import Node
from indicators.rules import Rule
from submissions.access import (
    appraisers_only,
    authority_only,
    get_answer_for_user,
    get_submission_for_user,
)
from submissions.forms import (
    AppraisalForm,
    AssignmentForm,
    AuthorityValueForm,
    EvidenceForm,
    ReplyForm,
)
from submissions.models import (
    APPRAISAL_STATES,
    SETTLED_STATES,
    Action,
    Answer,
    Campaign,
    Decision,
    Evidence,
    EvidenceWarning,
    FinalDecision,
    Submission,
    SubmissionState,
)
from submissions.queries import evidence_warnings_by_submission
from submissions.services.appraisal import (
    accept_undecided,
    appraise_answer,
    assign_appraiser,
    reply_to_appraisal,
    settle_answer,
)

AUTHORITY_QUEUE_STATES = [
    SubmissionState.SUBMITTED,
    SubmissionState.UNDER_APPRAISAL,
    SubmissionState.EXPLANATION,
    SubmissionState.EXPLANATION_AWAITING_LEADER,
    SubmissionState.FINAL_APPRAISAL,
    SubmissionState.FINALISED,
    SubmissionState.PUBLISHED,
]


def _appraisers() -> list[User]:
    return [user for user in User.objects.filter(is_active=True).order_by("username") if user.is_appraiser]


@login_required
def appraisal_queue(request: AuthenticatedRequest) -> HttpResponse:
    """Submissions with the authority and after: filters, counts per state, lateness and assignment."""
    user = request.user
    authority_only(user)
    appraisers = _appraisers()
    if request.method == "POST":
        form = AssignmentForm(request.POST)
        form.set_choices(
            submissions=Submission.objects.filter(state__in=AUTHORITY_QUEUE_STATES).values_list("pk", flat=True),
            appraisers=appraisers,
        )
        if form.is_valid():
            appraiser = next((person for person in appraisers if person.pk == form.cleaned_data["appraiser"]), None)
            with refusals_as_messages(request):
                count = assign_appraiser(submission_ids=form.cleaned_data["submissions"], appraiser=appraiser, by=user)
                messages.success(request, _("Đã phân công %(count)s hồ sơ.") % {"count": count})
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
                "answers", filter=Q(answers__node__source=Node.Source.SELF_REPORT) & ~Q(answers__appraisal_decision="")
            ),
            reported=Count("answers", filter=Q(answers__node__source=Node.Source.SELF_REPORT)),
            contested=Count("answers", filter=Q(answers__appraisal_decision__in=[Decision.ADJUST, Decision.QUESTION])),
        )
        .order_by("campaign__year", "organisation__code")
    )
    today = timezone.localdate()
    listed = list(submissions)
    warnings = evidence_warnings_by_submission([submission.pk for submission in listed])
    for submission in listed:
        found = warnings.get(submission.pk, {})
        submission.evidence_warnings = [(EvidenceWarning(code).label, count) for code, count in sorted(found.items())]
    context = {
        "submissions": listed,
        "late": {submission.pk for submission in listed if submission.is_late(today)},
        "counts": [(state, SubmissionState(state).label, counts.get(state, 0)) for state in AUTHORITY_QUEUE_STATES],
        "filters": filters,
        "campaigns": campaigns,
        "regions": Region.objects.all(),
        "groups": Organisation.Group.choices,
        "appraisers": appraisers,
    }
    return render(request, "submissions/appraisal_queue.html", context)


def _decisions_for(submission: Submission) -> list[tuple[str, StrOrPromise]]:
    if submission.state == SubmissionState.FINAL_APPRAISAL:
        return list(FinalDecision.choices)
    return list(Decision.choices)


def _appraisal_form(answer: Answer, submission: Submission, data: Any = None) -> AppraisalForm:
    final = submission.state == SubmissionState.FINAL_APPRAISAL
    values = answer.stage_values(Stage.FINAL if final else Stage.APPRAISED)
    initial: dict[str, Any] = {
        "review_version": answer.review_version,
        "decision": (answer.final_decision if final else answer.appraisal_decision) or None,
        "reason": answer.final_reason if final else answer.appraisal_reason,
    }
    for name, value in values.items():
        if value not in (None, ""):
            initial[name] = value if name == "choice" else (
                str(int(value)) if answer.node.rule == Rule.BOOLEAN else format_number(value)
            )  # fmt: skip
    return AppraisalForm(data, node=answer.node, decisions=_decisions_for(submission), initial=initial,
                         prefix=answer.node.anchor)  # fmt: skip


def _review_item(answer: Answer, submission: Submission, nodes: dict[int, Node], form: Any = None) -> dict[str, Any]:
    node = answer.node
    item: dict[str, Any] = {"answer": answer, "path": node.ancestors(nodes), "changed": answer.changed_since_review()}
    if node.source == Node.Source.SELF_REPORT:
        if submission.state in APPRAISAL_STATES or (
            submission.state == SubmissionState.FINAL_APPRAISAL and answer.is_contested()
        ):
            item["form"] = form or _appraisal_form(answer, submission)
        item["appraised_score"] = answer.stage_score(Stage.APPRAISED)
        item["final_score"] = answer.stage_score(Stage.FINAL)
    elif submission.state not in SETTLED_STATES:
        initial = {}
        if answer.value is not None:
            initial["value"] = format_number(answer.value)
        item["authority_form"] = form or AuthorityValueForm(node=node, initial=initial, prefix=node.anchor)
    return item


def _review_sections(submission: Submission, forms: dict[int, Any] | None = None) -> list[dict[str, Any]]:
    nodes = {node.pk: node for node in submission.campaign.framework.nodes.all()}
    answers = (
        submission.answers.select_related("node", "appraised_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.attached().with_reading()))
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
        reported = [item for item in section["items"] if item["answer"].node.source == Node.Source.SELF_REPORT]
        section["decided"] = sum(1 for item in reported if item["answer"].appraisal_decision)
        section["reported"] = len(reported)
        section["undecided"] = section["reported"] - section["decided"]
    return list(sections.values())


@login_required
@require_GET
def submission_review(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """The appraiser's page for one unit: every leaf with its evidence, decisions, and the next step."""
    user = request.user
    authority_only(user)
    submission = get_submission_for_user(user, submission_id)
    return render(request, "submissions/review.html", _review_context(request, submission))


def _review_context(
    request: AuthenticatedRequest, submission: Submission, forms: dict[int, Any] | None = None
) -> dict[str, Any]:
    user = request.user
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
def answer_appraise(request: AuthenticatedRequest, submission_id: int, leaf_key: str) -> HttpResponse:
    """Record one decision. With HTMX the leaf comes back; without, the page reloads at the leaf."""
    user = request.user
    appraisers_only(user)
    answer = get_answer_for_user(user, submission_id, leaf_key)
    submission = answer.submission
    form = AppraisalForm(
        request.POST, node=answer.node, decisions=_decisions_for(submission), prefix=answer.node.anchor
    )
    step = settle_answer if submission.state == SubmissionState.FINAL_APPRAISAL else appraise_answer
    shown: AppraisalForm | None = form
    status = submit_form(form, lambda data: step(
        answer_id=answer.pk, user=user, decision=data["decision"], reason=data["reason"], given=form.given(),
        expected_review_version=data["review_version"],
    ))  # fmt: skip
    if status == 200:
        shown = None
    if not request.htmx:
        if status == 200:
            messages.success(request, _("Đã ghi kết luận cho %(code)s.") % {"code": answer.node.code})
            return redirect(f"{review_url(submission)}#{answer.node.anchor}")
        messages.error(request, _("Chưa ghi kết luận cho %(code)s: xem lỗi bên dưới.") % {"code": answer.node.code})
        submission = get_submission_for_user(user, submission_id)
        return render(request, "submissions/review.html", _review_context(request, submission, {answer.pk: shown}),
                      status=status)  # fmt: skip
    return render_review_leaf(request, answer.pk, shown, status)


def submit_form(form: Any, step: Callable[[dict[str, Any]], object]) -> int:
    """Run a service step with a valid form's data; put its refusal next to the fields. The status:
    200 done, 400 bad input, 403 not this person's step, 409 not allowed now or changed by someone else."""
    if not form.is_valid():
        return 400
    try:
        step(form.cleaned_data)
    except InvalidInput as error:
        for field, message in error.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return 400
    except DomainError as error:
        form.add_error(None, error.message)
        return error.status
    return 200


def render_review_leaf(request: AuthenticatedRequest, answer_id: int, form: Any, status: int) -> HttpResponse:
    answer = (
        Answer.objects.select_related("node", "submission__campaign__framework", "appraised_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.attached().with_reading()))
        .get(pk=answer_id)
    )
    submission = answer.submission
    nodes = {node.pk: node for node in submission.campaign.framework.nodes.all()}
    item = _review_item(answer, submission, nodes, form)
    saved = status == 200
    return render(request, "submissions/_review_leaf.html", {"item": item, "submission": submission,
                                                              "saved": saved}, status=status)  # fmt: skip


def review_url(submission: Submission) -> str:
    return reverse("submissions:review", args=[submission.pk])


@login_required
@require_POST
def review_accept_undecided(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """Accept, in one step, the leaves of a section the appraiser left without a decision."""
    user = request.user
    appraisers_only(user)
    submission = get_submission_for_user(user, submission_id)
    section = request.POST.get("section") or None
    with refusals_as_messages(request):
        count = accept_undecided(submission_id=submission.pk, user=user, section_key=section)
        messages.success(request, _("Đã chấp nhận %(count)s chỉ số chưa có kết luận.") % {"count": count})
    anchor = f"#section-{Node(key=section).anchor}" if section else ""
    return redirect(f"{review_url(submission)}{anchor}")


@login_required
@require_POST
def answer_reply(request: AuthenticatedRequest, submission_id: int, leaf_key: str) -> HttpResponse:
    """The unit's explanation of one adjusted or questioned leaf."""
    user = request.user
    answer = get_answer_for_user(user, submission_id, leaf_key)
    form = ReplyForm(request.POST)
    if form.is_valid():
        with refusals_as_messages(request):
            reply_to_appraisal(answer_id=answer.pk, user=user, reply=form.cleaned_data["reply"])
            messages.success(request, _("Đã lưu giải trình %(code)s.") % {"code": answer.node.code})
    else:
        form_errors_as_messages(request, form)
    return redirect(f"{answer.submission.get_absolute_url()}#appraisal-{answer.node.anchor}")


def appraisal_outcome(submission: Submission, user: User) -> list[dict[str, Any]]:
    """What the unit sees of the appraisal: each contested leaf, what it reported, what the appraisal
    concluded so far (settled after the explanation, else appraised) and the points lost by it."""
    if not submission.shows_appraisal_to(user):
        return []
    answers = (
        submission.answers.filter(appraisal_decision__in=[Decision.ADJUST, Decision.QUESTION])
        .select_related("node")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.attached().with_reading()))
        .order_by("node__order")
    )
    outcome = []
    for answer in answers:
        self_score = answer.stage_score(Stage.SELF) or Decimal(0)
        appraised_score = answer.stage_score(Stage.APPRAISED) or Decimal(0)
        final_score = answer.stage_score(Stage.FINAL) or Decimal(0)
        outcome.append(
            {
                "answer": answer,
                "self_score": self_score,
                "appraised_score": appraised_score,
                "final_score": final_score,
                # The final stage is the appraised one until the leaf is settled: always the latest word.
                "lost": answer.points_lost(Stage.FINAL),
                "reply_form": ReplyForm(initial={"reply": answer.explanation_reply}, prefix=answer.node.anchor),
                "evidence_form": EvidenceForm(),
            }
        )
    return outcome
