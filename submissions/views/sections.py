"""The unit's entry, section by section: the overview of a submission, each section's page with its one
"Lưu tất cả", the save of one leaf on leaving a field, evidence at the leaf, and the summary before
submitting. Each view parses input, checks access, calls one service or query, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from accounts.models import User
from common.errors import Forbidden
from submissions.access import (
    get_answer_for_user,
    get_rw_answer_for_user,
    get_rw_submission_for_user,
    get_submission_for_user,
)
from submissions.errors import AnswerInvalid, StaleAnswerError
from submissions.evidence import EvidenceRejected
from submissions.forms import AnswerForm, CommentForm, EvidenceForm
from submissions.models import Action, Answer, Event, Evidence, Submission
from submissions.queries import steps_of
from submissions.sections import LeafState, Overview, Section, submission_overview
from submissions.services.entry import SectionEntry, save_answer, save_section, upload_evidence

from .appraisal import appraisal_outcome

SECTION_FORM = "section-form"
# The newest history rows shown on a leaf's card; the whole history is on the overview.
LEAF_HISTORY = 10


@login_required
@require_GET
def submission_overview_page(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """The submission at a glance: every section's completeness, the totals, the next step, the history."""
    submission = get_submission_for_user(request.user, submission_id)
    overview = submission_overview(submission)
    context = {
        **_common(request, submission, overview),
        "actions": [action for action in submission.allowed_actions(request.user) if action != Action.SUBMIT],
        "may_submit": Action.SUBMIT in submission.allowed_actions(request.user),
        "action_labels": dict(Action.choices),
        "events": Event.objects.readable_by(request.user, submission)
        .select_related("actor", "answer__node")
        .order_by("-at", "-id")[:50],
        "comment_form": CommentForm(),
        "outcome": appraisal_outcome(submission, request.user),
        "can_explain": submission.can_explain(request.user),
        "shows_appraisal": submission.shows_appraisal_to(request.user),
        "is_authority": request.user.is_authority,
        "is_approver": submission.is_unit_approver(request.user),
    }
    return render(request, "submissions/submission_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def section_page(request: AuthenticatedRequest, submission_id: int, section_key: str) -> HttpResponse:
    """One section's leaves. POST is "Lưu tất cả": every leaf of the section in one transaction; a leaf
    with an error keeps what was typed and shows why, next to its field, while the others are saved."""
    submission = get_submission_for_user(request.user, submission_id)
    overview = submission_overview(submission)
    section = overview.section(section_key)
    if section is None:
        raise Http404(_("Không có mục này trong hồ sơ."))
    forms: dict[int, AnswerForm] = {}
    status = 200
    if request.method == "POST":
        submission = get_rw_submission_for_user(request.user, submission_id)
        forms, status = _save_section(request, submission, section)
        if status == 200:
            return redirect(_section_url(submission, section))
        overview = submission_overview(submission)
        section = overview.section(section_key) or section
    context = {
        **_common(request, submission, overview),
        "section": section,
        "items": _items(request.user, submission, section.leaves, forms),
        "section_form": SECTION_FORM,
    }
    return render(request, "submissions/section.html", context, status=status)


def _save_section(
    request: AuthenticatedRequest, submission: Submission, section: Section
) -> tuple[dict[int, AnswerForm], int]:
    """Parse each posted leaf, save the valid ones in one go; return the forms to show again and the status."""
    answers = Answer.objects.select_related("node").in_bulk([leaf.answer_id for leaf in section.reported])
    forms: dict[int, AnswerForm] = {}
    entries = []
    for answer in answers.values():
        form = AnswerForm(request.POST, node=answer.node, form_id=SECTION_FORM)
        if f"{form.prefix}-version" not in request.POST:
            continue
        forms[answer.pk] = form
        if form.is_valid():
            entries.append(SectionEntry(answer.pk, form.given(), form.cleaned_data["version"]))
    outcome = save_section(submission_id=submission.pk, user=request.user, entries=entries)
    for answer_id, errors in outcome.invalid.items():
        for name, message in errors.items():
            forms[answer_id].add_error(name if name in forms[answer_id].fields else None, message)
    for answer_id, current in outcome.stale.items():
        forms[answer_id] = _stale_form(forms[answer_id], current)
    refused = {pk: form for pk, form in forms.items() if pk in outcome.stale or not form.is_valid()}
    saved = len(outcome.saved)
    if not refused:
        messages.success(request, _("Đã lưu %(count)s chỉ số của mục.") % {"count": saved})
        return {}, 200
    messages.error(
        request,
        _("Đã lưu %(saved)s chỉ số; %(refused)s chỉ số chưa lưu: xem lỗi ngay tại chỉ số.")
        % {"saved": saved, "refused": len(refused)},
    )
    return refused, 409 if set(refused) <= set(outcome.stale) else 400


@login_required
@require_POST
def answer_save(request: AuthenticatedRequest, submission_id: int, leaf_key: str) -> HttpResponse:
    """Save one leaf as the person leaves its field. With HTMX the leaf's card comes back, with the error
    next to the field and the typed value kept; without, the section page shows the same."""
    answer = get_rw_answer_for_user(request.user, submission_id, leaf_key)
    form = AnswerForm(request.POST, node=answer.node, form_id=SECTION_FORM)
    status = 200
    if form.is_valid():
        try:
            answer = save_answer(
                answer_id=answer.pk,
                user=request.user,
                given=form.given(),
                expected_version=form.cleaned_data["version"],
            )
            form = AnswerForm.of(answer, form_id=SECTION_FORM)
            form.saved = True
        except AnswerInvalid as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
            status = 400
        except StaleAnswerError:
            form, status = _stale_form(form, Answer.objects.select_related("node").get(pk=answer.pk)), 409
    else:
        status = 400
    return _leaf_response(request, answer, form, status)


@login_required
@require_GET
def leaf_card(request: AuthenticatedRequest, submission_id: int, leaf_key: str) -> HttpResponse:
    """A leaf's card as stored now: "Dùng giá trị đã lưu" after a conflict takes the other person's value."""
    return _leaf_response(request, get_answer_for_user(request.user, submission_id, leaf_key), None, 200)


@login_required
@require_POST
def evidence_upload(request: AuthenticatedRequest, submission_id: int, leaf_key: str) -> HttpResponse:
    """Attach a PDF to a leaf; whether it is refused or attached, the answer appears at the leaf."""
    answer = get_rw_answer_for_user(request.user, submission_id, leaf_key)
    form = EvidenceForm(request.POST, request.FILES)
    problem, status = "", 200
    if not form.is_valid():
        problem, status = " ".join(str(message) for errors in form.errors.values() for message in errors), 400
    else:
        upload = form.cleaned_data["file"]
        try:
            upload_evidence(
                answer_id=answer.pk,
                user=request.user,
                content=upload.read(),
                original_name=upload.name,
                title=form.cleaned_data["title"],
            )
        except EvidenceRejected as error:
            problem, status = _("Tệp “%(name)s” bị từ chối: %(reason)s") % {"name": upload.name, "reason": error}, 400
        else:
            if not request.htmx:
                messages.success(
                    request, _("Đã đính kèm “%(name)s” cho %(code)s.") % {"name": upload.name, "code": answer.node.key}
                )
    if not request.htmx and status == 200:
        return redirect(leaf_url(answer))
    return _leaf_response(request, answer, None, status, evidence_problem=problem)


@login_required
@require_GET
def submit_summary(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """Before "Trình duyệt": the totals, what is unanswered, every leaf that blocks, and the confirmation."""
    submission = get_submission_for_user(request.user, submission_id)
    overview = submission_overview(submission)
    sections = {leaf.answer_id: section for section in overview.sections for leaf in section.leaves}
    context = {
        **_common(request, submission, overview),
        "may_submit": Action.SUBMIT in submission.allowed_actions(request.user),
        "blocking": [(leaf, sections[leaf.answer_id]) for leaf in overview.blocking],
        "unanswered": [(leaf, sections[leaf.answer_id]) for leaf in overview.unanswered],
    }
    return render(request, "submissions/submit_summary.html", context)


def _common(request: AuthenticatedRequest, submission: Submission, overview: Overview) -> dict[str, Any]:
    return {
        "submission": submission,
        "overview": overview,
        "can_edit": submission.can_edit(request.user),
        "banner": state_banner(submission),
    }


def state_banner(submission: Submission) -> dict[str, Any]:
    """What the top of the submission says: its state, the last step (who, when, why) and the deadline."""
    last = steps_of(submission).last
    return {
        "state": submission.state,
        "last": last,
        "returned": last is not None and last.action in (Action.RETURN, Action.REOPEN_ENTRY),
        "deadline": submission.due_date(),
        "late": submission.is_late(),
    }


def _items(
    user: User, submission: Submission, leaves: list[LeafState], forms: dict[int, AnswerForm]
) -> list[dict[str, Any]]:
    """The leaves' cards: each answer with its files, its latest history, its form and the focus index it
    is or lies under (read with the overview); four queries whatever the number of leaves or the length of
    their history."""
    focus = {leaf.answer_id: leaf.focus for leaf in leaves}
    components = {leaf.answer_id: leaf.component for leaf in leaves}
    answers = (
        Answer.objects.filter(pk__in=[leaf.answer_id for leaf in leaves])
        .select_related("node", "updated_by")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.attached().with_reading().order_by("uploaded_at")),
            Prefetch(
                "events",
                queryset=Event.objects.readable_by(user, submission)
                .latest_per_answer(LEAF_HISTORY)
                .select_related("actor"),
            ),
        )
        .order_by("node__order")
    )
    editable = submission.can_edit(user)
    return [
        {
            "answer": answer,
            "form": forms.get(answer.pk) or (AnswerForm.of(answer, form_id=SECTION_FORM) if editable else None),
            "focus": focus[answer.pk],
            "component": components[answer.pk],
        }
        for answer in answers
    ]


def _stale_form(form: AnswerForm, current: Answer) -> AnswerForm:
    """The person's typed values kept, set against the version now stored, with the other person's value
    to choose from: saving again keeps theirs, "Dùng giá trị đã lưu" takes the stored one."""
    data = dict(form.data.items())
    data[f"{form.prefix}-version"] = str(current.version)
    kept = AnswerForm(data, node=current.node, form_id=SECTION_FORM)
    who = current.updated_by
    kept.stale = _("%(who)s đã lưu chỉ số này sau khi bạn mở trang: giá trị đã lưu là “%(value)s”.") % {
        "who": (who.get_full_name() or who.username) if who else _("Người khác"),
        "value": current.reported_text,
    }
    return kept


def _leaf_response(
    request: AuthenticatedRequest,
    answer: Answer,
    form: AnswerForm | None,
    status: int,
    *,
    evidence_problem: str = "",
) -> HttpResponse:
    submission = Submission.objects.select_related("campaign", "organisation").get(pk=answer.submission_id)
    if not request.htmx:
        # Without HTMX the person sees the whole section again, the leaf as the card would show it.
        overview = submission_overview(submission)
        section = overview.section_of(answer.node.key)
        if section is None:
            raise Http404
        if status != 200:
            messages.error(
                request, evidence_problem or _("Chưa lưu %(code)s: xem lỗi tại chỉ số.") % {"code": answer.node.key}
            )
        elif form is not None and form.saved:
            messages.success(request, _("Đã lưu %(code)s.") % {"code": answer.node.key})
            return redirect(leaf_url(answer))
        items = _items(request.user, submission, section.leaves, {answer.pk: form} if form is not None else {})
        for item in items:
            if item["answer"].pk == answer.pk:
                item["evidence_problem"] = evidence_problem
        context = {**_common(request, submission, overview), "section": section, "items": items,
                   "section_form": SECTION_FORM}  # fmt: skip
        return render(request, "submissions/section.html", context, status=status)
    if form is not None and form.saved and not request.POST.get("whole"):
        # Saved on leaving a field: only the leaf's version, score and status change, out of band, so
        # the field the person has moved on to keeps its focus and what they are typing.
        answer = Answer.objects.select_related("node").get(pk=answer.pk)
        return render(request, "submissions/_leaf_saved.html", {"answer": answer, "form": form,
                                                                "section_form": SECTION_FORM})  # fmt: skip
    # The card replaces the one on the page whole, its focus flag included: the overview says which it has.
    leaf = next(leaf for leaf in submission_overview(submission).leaves if leaf.answer_id == answer.pk)
    item = _items(request.user, submission, [leaf], {answer.pk: form} if form is not None else {})[0]
    item["evidence_problem"] = evidence_problem
    response = render(
        request,
        "submissions/_leaf.html",
        {"item": item, "submission": submission, "can_edit": submission.can_edit(request.user),
         "section_form": SECTION_FORM},
        status=status,
    )  # fmt: skip
    # A refusal replaces the whole card, so the reason shows next to its field.
    response["HX-Retarget"] = f"#{answer.node.anchor}"
    response["HX-Reswap"] = "outerHTML"
    return response


def _section_url(submission: Submission, section: Section) -> str:
    return reverse("submissions:section", args=[submission.pk, section.key])


def leaf_url(answer: Answer) -> str:
    overview = submission_overview(Submission.objects.select_related("campaign").get(pk=answer.submission_id))
    section = overview.section_of(answer.node.key)
    if section is None:
        raise Forbidden(_("Không có chỉ số này trong hồ sơ."))
    return f"{reverse('submissions:section', args=[answer.submission_id, section.key])}#{answer.node.anchor}"
