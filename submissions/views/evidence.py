"""The evidence workbench: a unit's document library, the viewer beside a leaf, the campaign's search."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest
from accounts.models import Role
from common.errors import InvalidInput
from common.pages import refusals_as_messages
from common.text import PlainTextField
from submissions.access import get_campaign_for_authority, get_evidence_for_user, get_submission_for_user
from submissions.models import Evidence, EvidenceDocument
from submissions.services.documents import IdentityInput, attach_document, correct_identity, search_evidence

# Pages a viewer shows as thumbnails; the rest opens in the PDF itself.
VIEWER_PAGES = 20


class IdentityForm(forms.Form):
    number = PlainTextField(label=gettext_lazy("Số, ký hiệu"), required=False, max_length=100)
    date = forms.DateField(
        label=gettext_lazy("Ngày văn bản"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    issuer = PlainTextField(label=gettext_lazy("Cơ quan ban hành"), required=False, max_length=300)


class AttachForm(forms.Form):
    document = forms.IntegerField(widget=forms.HiddenInput)
    leaf = forms.CharField(label=gettext_lazy("Đính kèm cho chỉ số"), max_length=64)


@login_required
def document_library(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """The unit's documents: each uploaded once, with what reading found, the leaves it supports in this
    submission; attach one to another leaf, or correct its number, date and issuer."""
    submission = get_submission_for_user(request.user, submission_id)
    documents = list(
        EvidenceDocument.objects.filter(organisation_id=submission.organisation_id)
        .with_shared()
        .order_by("-uploaded_at")
    )
    attachments: dict[int, list[Evidence]] = {}
    for evidence in (
        Evidence.objects.attached().filter(answer__submission=submission).select_related("answer__node").order_by("pk")
    ):
        attachments.setdefault(evidence.document_id or 0, []).append(evidence)
    leaves = list(
        submission.answers.select_related("node")
        .order_by("node__order")
        .values_list("node__key", "node__code", "node__name")
    )
    may_correct = any(
        request.user.may_act_as(role, submission.organisation_id) for role in (Role.REPORTER, Role.IT_LEAD)
    )
    rows = [
        {
            "document": document,
            "attachments": attachments.get(document.pk, []),
            "warnings": document.warnings(year=submission.campaign.year, shared_elsewhere=document.shared_elsewhere),
            "identity_form": IdentityForm(
                initial={"number": document.document_number, "date": document.document_date, "issuer": document.issuer},
                prefix=f"document-{document.pk}",
            ),
        }
        for document in documents
    ]
    context = {
        "submission": submission,
        "rows": rows,
        "leaves": leaves,
        "may_attach": submission.can_edit(request.user),
        "may_correct": may_correct,
    }
    return render(request, "submissions/document_library.html", context)


@login_required
@require_POST
def document_attach(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    submission = get_submission_for_user(request.user, submission_id)
    form = AttachForm(request.POST)
    with refusals_as_messages(request):
        if not form.is_valid():
            raise InvalidInput({"leaf": _("Chọn chỉ số để đính kèm văn bản.")})
        answer = submission.answers.filter(node__key=form.cleaned_data["leaf"]).first()
        if answer is None:
            raise InvalidInput({"leaf": _("Chọn chỉ số để đính kèm văn bản.")})
        attach_document(answer_id=answer.pk, user=request.user, document_id=form.cleaned_data["document"])
        messages.success(request, _("Đã đính kèm văn bản cho chỉ số %(code)s.") % {"code": answer.node.code})
    return redirect("submissions:documents", submission_id=submission.pk)


@login_required
@require_POST
def document_identity(request: AuthenticatedRequest, submission_id: int, document_id: int) -> HttpResponse:
    submission = get_submission_for_user(request.user, submission_id)
    document = EvidenceDocument.objects.filter(pk=document_id, organisation_id=submission.organisation_id).first()
    if document is None:
        raise Http404("No such document")
    form = IdentityForm(request.POST, prefix=f"document-{document.pk}")
    with refusals_as_messages(request):
        if not form.is_valid():
            raise InvalidInput({name: " ".join(str(error) for error in errors) for name, errors in form.errors.items()})
        data = form.cleaned_data
        date: datetime.date | None = data.get("date")
        given = IdentityInput(number=data.get("number") or "", date=date, issuer=data.get("issuer") or "")
        correct_identity(document_id=document.pk, user=request.user, given=given)
        messages.success(request, _("Đã lưu thông tin văn bản “%(title)s”.") % {"title": document.title})
    return redirect(f"{reverse('submissions:documents', args=[submission.pk])}#document-{document.pk}")


@login_required
def evidence_viewer(request: AuthenticatedRequest, evidence_id: int) -> HttpResponse:
    """The file beside its leaf: the leaf's figures, page thumbnails, each page's text with the detected
    number and date highlighted."""
    evidence = get_evidence_for_user(request.user, evidence_id)
    evidence = (
        Evidence.objects.with_reading()
        .select_related("answer__node", "answer__submission__organisation")
        .get(pk=evidence.pk)
    )
    document = evidence.document
    pages = []
    if document is not None:
        spans = {
            (document.detected.get("number_page"), "number"): document.detected.get("number_span"),
            (document.detected.get("date_page"), "date"): document.detected.get("date_span"),
        }
        for number, text in enumerate(document.page_texts()[:VIEWER_PAGES], start=1):
            marks = sorted((tuple(span), kind) for (page, kind), span in spans.items() if page == number and span)
            pages.append({"number": number, "parts": _highlighted(text, marks)})
    shown = min(evidence.pages, VIEWER_PAGES)
    context = {
        "evidence": evidence,
        "answer": evidence.answer,
        "document": document,
        "pages": pages,
        "thumbnails": range(1, shown + 1),
        "more_pages": evidence.pages - shown,
    }
    return render(request, "submissions/evidence_viewer.html", context)


def _highlighted(text: str, marks: list[tuple[tuple[int, int], str]]) -> list[tuple[str, str]]:
    """The page's text as (kind, piece) parts: "" for plain text, "number"/"date" for the detected spans."""
    parts, position = [], 0
    for (start, end), kind in marks:
        if start < position or end > len(text) or start >= end:
            continue
        parts.append(("", text[position:start]))
        parts.append((kind, text[start:end]))
        position = end
    parts.append(("", text[position:]))
    return [part for part in parts if part[1]]


@login_required
def evidence_page_image(request: AuthenticatedRequest, evidence_id: int, page: int) -> HttpResponse:
    """One page of a file as a PNG thumbnail, for the viewer."""
    from submissions.reading import ReadingFailed, page_image

    evidence = get_evidence_for_user(request.user, evidence_id)
    if not 1 <= page <= min(evidence.pages, VIEWER_PAGES):
        raise Http404("No such page")
    width = 600 if request.GET.get("size") == "large" else 160
    with evidence.file.open("rb") as stored:
        content = stored.read()
    try:
        image = page_image(content, page=page, width=width)
    except ReadingFailed:  # a page the renderer cannot draw shows as missing
        raise Http404("Page not drawn") from None
    response = HttpResponse(image, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def evidence_search(request: AuthenticatedRequest, campaign_id: int) -> HttpResponse:
    """The appraiser searches the text of every file of the campaign, accents optional."""
    campaign = get_campaign_for_authority(request.user, campaign_id)
    phrase = request.GET.get("q", "").strip()[:200]
    hits = search_evidence(campaign_id=campaign.pk, phrase=phrase) if phrase else []
    return render(request, "submissions/evidence_search.html", {"campaign": campaign, "phrase": phrase, "hits": hits})
