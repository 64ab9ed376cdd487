"""Values the authority supplies: one leaf of one unit on the review page, or a whole campaign's sheet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from accounts.http import AuthenticatedRequest
from common.errors import Rejected
from common.spreadsheets import workbook_bytes, write_row
from indicators.models import Node
from submissions.access import (
    appraisers_only,
    get_answer_for_user,
    get_campaign_for_authority,
)
from submissions.forms import (
    AuthoritySheetForm,
    AuthorityValueForm,
)
from submissions.models import (
    Answer,
    Campaign,
    Submission,
)
from submissions.services.authority_values import authority_leaves, import_authority_values, set_authority_value

from .appraisal import render_review_leaf, review_url, submit_form


@login_required
@require_POST
def answer_authority_value(request: AuthenticatedRequest, submission_id: int, leaf_key: str) -> HttpResponse:
    user = request.user
    appraisers_only(user)
    answer = get_answer_for_user(user, submission_id, leaf_key)
    form = AuthorityValueForm(request.POST, node=answer.node, prefix=answer.node.anchor)
    status = submit_form(form, lambda _data: set_authority_value(answer_id=answer.pk, user=user, given=form.given()))
    if not request.htmx:
        if status == 200:
            messages.success(request, _("Đã lưu %(code)s.") % {"code": answer.node.code})
        else:
            messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect(f"{review_url(answer.submission)}#{answer.node.anchor}")
    return render_review_leaf(request, answer.pk, None if status == 200 else form, status)


@login_required
def authority_values(request: AuthenticatedRequest, campaign_id: int) -> HttpResponse:
    """One sheet of authority values for every unit: template download, dry run, then apply."""
    user = request.user
    appraisers_only(user)
    campaign = get_campaign_for_authority(user, campaign_id)
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
        except Rejected as error:
            context["problems"] = error.problems
            status = error.status
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
