"""The unit's "why points were lost" report, as a page, an Excel file and a PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from common.errors import Forbidden
from submissions.access import get_submission_for_user

from .reports import points_lost, points_lost_pdf, points_lost_workbook, submission_totals


@login_required
@require_GET
def points_lost_report(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """`?format=xlsx` or `?format=pdf` downloads the same rows; the page is the default."""
    submission = get_submission_for_user(request.user, submission_id)
    if not submission.shows_appraisal_to(request.user):
        raise Forbidden(_("Kết quả thẩm định được gửi đơn vị khi cơ quan đánh giá kết thúc thẩm định."))
    report = points_lost(submission)
    filename = f"diem-bi-tru-{submission.campaign.year}-{submission.organisation.code}"
    output = request.GET.get("format", "")
    if output == "xlsx":
        response = HttpResponse(
            points_lost_workbook(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    if output == "pdf":
        response = HttpResponse(points_lost_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    order = request.GET.get("order", "lost")
    if order == "code":
        report.leaves.sort(key=lambda row: row.key)
    return render(request, "scoring/points_lost.html", {"report": report, "order": order})


@login_required
@require_GET
def totals_fragment(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """The unit's computed totals with when they were computed; while a recompute is pending the
    fragment asks for itself again every few seconds, and stops once fresh figures are in."""
    submission = get_submission_for_user(request.user, submission_id)
    totals = submission_totals(submission, compare=request.GET.get("compare") == "1")
    context = {
        "totals": totals,
        "shows_final": submission.shows_appraisal_to(request.user),
        "compare": request.GET.get("compare") == "1",
    }
    return render(request, "scoring/_totals.html", context)
