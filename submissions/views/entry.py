"""The unit's pages: its submissions, entry per leaf with evidence, the approval steps, comments and the
Excel round trip. Each view parses input, checks access, calls one service, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from accounts.models import Region
from common.errors import Forbidden, Rejected
from common.pages import form_errors_as_messages, refusals_as_messages
from submissions.access import (
    get_evidence_for_user,
    get_rw_evidence_for_user,
    get_rw_submission_for_user,
    get_submission_for_user,
)
from submissions.errors import HeldImportGone, ImportAlreadyApplied
from submissions.excel import read_submission_workbook, write_submission_workbook
from submissions.files import evidence_response
from submissions.forms import CommentForm, TransitionForm, WorkbookUploadForm
from submissions.models import (
    Notification,
    Submission,
    SubmissionState,
)
from submissions.services.approval import transition_submission
from submissions.services.entry import add_comment, apply_held_import, import_answers, preview_import, remove_evidence

from .sections import leaf_url


@login_required
@require_GET
def submission_list(request: AuthenticatedRequest) -> HttpResponse:
    submissions = (
        Submission.objects.visible_to(request.user)
        .select_related("campaign", "organisation__region")
        .with_progress()
        .annotate(
            evidence_count=Count("answers__evidence", filter=Q(answers__evidence__removed_at=None), distinct=True)
        )
        .order_by("-campaign__year", "campaign__level", "organisation__code")
    )
    group, region, state = (request.GET.get(name, "") for name in ("group", "region", "state"))
    if group:
        submissions = submissions.filter(organisation__group=group)
    if region:
        submissions = submissions.filter(organisation__region__code=region)
    if state:
        submissions = submissions.filter(state=state)
    awaiting = set(Submission.objects.awaiting(request.user).values_list("pk", flat=True))
    awaiting_only = request.GET.get("awaiting") == "1"
    if awaiting_only:
        submissions = submissions.filter(pk__in=awaiting)
    context = {
        "submissions": submissions,
        "awaiting": awaiting,
        "is_authority": request.user.is_authority,
        "filters": {"group": group, "region": region, "state": state, "awaiting": awaiting_only},
        "regions": Region.objects.all(),
        "states": SubmissionState.choices,
        "today": timezone.localdate(),
    }
    return render(request, "submissions/submission_list.html", context)


@login_required
@require_POST
def evidence_remove(request: AuthenticatedRequest, evidence_id: int) -> HttpResponse:
    evidence = get_rw_evidence_for_user(request.user, evidence_id)
    remove_evidence(evidence_id=evidence.pk, user=request.user)
    messages.success(request, _("Đã gỡ tài liệu “%(title)s”.") % {"title": evidence.title})
    return redirect(leaf_url(evidence.answer))


@login_required
@require_GET
def evidence_download(request: AuthenticatedRequest, evidence_id: int) -> FileResponse:
    """Serve a file to those who may see its submission: as an attachment, or inline to view in the page."""
    evidence = get_evidence_for_user(request.user, evidence_id)
    return evidence_response(evidence, inline=request.GET.get("inline") == "1")


@login_required
@require_POST
def submission_transition(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    submission = get_rw_submission_for_user(request.user, submission_id)
    form = TransitionForm(request.POST)
    if form.is_valid():
        with refusals_as_messages(request):
            submission = transition_submission(
                submission_id=submission.pk,
                user=request.user,
                action=form.cleaned_data["action"],
                from_state=form.cleaned_data["from_state"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Hồ sơ chuyển sang: %(state)s.") % {"state": submission.get_state_display()})
    else:
        if form.has_error("action") or form.has_error("from_state"):
            messages.error(request, _("Không rõ bước hoặc trạng thái hồ sơ khi gửi; tải lại trang rồi thử lại."))
        else:
            form_errors_as_messages(request, form)
    if request.POST.get("back") == "review":
        return redirect("submissions:review", submission_id=submission.pk)
    if request.POST.get("back") == "approval":
        return redirect("submissions:approval", submission_id=submission.pk)
    return redirect(submission)


@login_required
@require_POST
def submission_comment(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    submission = get_submission_for_user(request.user, submission_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        add_comment(submission_id=submission.pk, user=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Đã ghi ý kiến."))
    else:
        form_errors_as_messages(request, form)
    return redirect(f"{submission.get_absolute_url()}#history")


@login_required
@require_GET
def submission_workbook(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """The submission as an Excel template to fill offline (current values and versions included)."""
    submission = get_submission_for_user(request.user, submission_id)
    response = HttpResponse(
        write_submission_workbook(submission),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"dti-{submission.campaign.year}-{submission.organisation.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def submission_import(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """Upload a filled template: a preview lists every change and error and keeps the file for an
    "Áp dụng" button; without the preview the file is applied at once. Either way all or nothing."""
    submission = get_submission_for_user(request.user, submission_id)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    context = _import_context(request, submission, form)
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            if form.cleaned_data["dry_run"]:
                preview = preview_import(
                    submission_id=submission.pk, user=request.user, content=content, original_name=upload.name
                )
                context.update(changes=preview.changes, held=preview.held)
            else:
                reading = read_submission_workbook(content, submission)
                changes = import_answers(submission_id=submission.pk, user=request.user, reading=reading, apply=True)
                messages.success(request, _("Đã nhập %(count)s thay đổi từ Excel.") % {"count": len(changes)})
                return redirect(submission)
        except Rejected as error:
            context["problems"], status = error.problems, error.status
        except Forbidden as error:
            context["problems"], status = [error.message], error.status
    return render(request, "submissions/submission_import.html", context, status=status)


@login_required
@require_POST
def submission_import_apply(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """Apply the previewed upload named by its token; back to the submission with how many changes."""
    submission = get_submission_for_user(request.user, submission_id)
    context = _import_context(request, submission, WorkbookUploadForm())
    try:
        changes = apply_held_import(token=request.POST.get("token", ""), submission_id=submission.pk, user=request.user)
    except ImportAlreadyApplied as error:
        messages.info(request, error.message)
        return redirect(submission)
    except HeldImportGone as error:
        context["gone"], status = error.message, error.status
    except Rejected as error:
        context["problems"], status = error.problems, error.status
    except Forbidden as error:
        context["problems"], status = [error.message], error.status
    else:
        count = len(changes)
        message = ngettext(
            "Đã áp dụng %(count)s thay đổi từ Excel.", "Đã áp dụng %(count)s thay đổi từ Excel.", count
        ) % {"count": count}
        messages.success(request, message)
        return redirect(submission)
    return render(request, "submissions/submission_import.html", context, status=status)


def _import_context(request: AuthenticatedRequest, submission: Submission, form: WorkbookUploadForm) -> dict[str, Any]:
    return {"submission": submission, "form": form, "can_edit": submission.can_edit(request.user)}


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    """The user's notifications, newest first; POST marks them all as read."""
    notifications = Notification.objects.filter(user=request.user).select_related("submission__organisation")
    if request.method == "POST":
        notifications.filter(read_at=None).update(read_at=timezone.now())
        return redirect("submissions:notifications")
    return render(request, "submissions/notification_list.html", {"notifications": notifications[:200]})
