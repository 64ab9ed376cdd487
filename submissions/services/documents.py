"""A unit's evidence documents: stored once per content, attached to leaves, read in the background.

Reading a document (its text layer or OCR, its number, date and issuer, its digital signatures) takes
seconds to minutes, so it never runs on the request path: an upload answers at once with the document
`pending`, and the reading runs in Celery, or in the process's background worker without a broker
(`common.background`), after the upload's transaction commits.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.names import folded
from common import background
from common.errors import Forbidden, InvalidInput
from common.text import text_problem

from ..evidence import CheckedPdf, EvidenceRejected
from ..models import Answer, Event, Evidence, EvidenceDocument, Submission, TextStatus
from .locks import lock_submission

logger = logging.getLogger(__name__)


def store_document(
    *, organisation_id: int, user: User, checked: CheckedPdf, original_name: str, title: str
) -> EvidenceDocument:
    """The unit's document with this content: the one it already has, or a new one (read after commit)."""
    document = EvidenceDocument.objects.filter(organisation_id=organisation_id, sha256=checked.sha256).first()
    if document is not None:
        return document
    document = EvidenceDocument(
        organisation_id=organisation_id,
        sha256=checked.sha256,
        original_name=original_name[:255],
        title=(title.strip() or original_name)[:300],
        size=checked.size,
        pages=checked.pages,
        uploaded_by=user,
    )
    document.file.save("document.pdf", ContentFile(checked.content), save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    schedule_reading(document_id=document.pk)
    return document


def attach(*, submission: Submission, answer: Answer, user: User, document: EvidenceDocument, title: str) -> Evidence:
    """One attachment of a document to a leaf, with its history row; the caller holds the submission's lock."""
    if answer.evidence.filter(document=document, removed_at=None).exists():
        raise EvidenceRejected(_("Tệp này đã được đính kèm cho chỉ số này (trùng nội dung)."))
    evidence = Evidence.objects.create(
        answer=answer,
        document=document,
        file=document.file.name,
        title=(title.strip() or document.title)[:300],
        original_name=document.original_name,
        size=document.size,
        sha256=document.sha256,
        pages=document.pages,
        uploaded_by=user,
    )
    Event.objects.create(
        submission=submission,
        answer=answer,
        kind=Event.Kind.EVIDENCE_ADDED,
        actor=user,
        new={"evidence": evidence.pk, "document": document.pk, "title": evidence.title, "sha256": evidence.sha256},
    )
    return evidence


@transaction.atomic
def attach_document(*, answer_id: int, user: User, document_id: int) -> Evidence:
    """Attach one of the unit's documents, already uploaded for another leaf, to this leaf too."""
    from .entry import check_may_attach

    answer = Answer.objects.select_related("submission__campaign").get(pk=answer_id)
    submission = lock_submission(answer.submission_id)
    check_may_attach(submission, answer, user)
    document = EvidenceDocument.objects.filter(pk=document_id, organisation_id=submission.organisation_id).first()
    if document is None:
        raise InvalidInput({"document": _("Chọn một văn bản trong thư viện tài liệu của đơn vị.")})
    return attach(submission=submission, answer=answer, user=user, document=document, title="")


@dataclass(frozen=True)
class IdentityInput:
    """The reporter's correction of what the reading found."""

    number: str
    date: datetime.date | None
    issuer: str


@transaction.atomic
def correct_identity(*, document_id: int, user: User, given: IdentityInput) -> EvidenceDocument:
    """The unit's reporter (or IT lead) corrects the document's number, date and issuer."""
    document = EvidenceDocument.objects.select_for_update().get(pk=document_id)
    if not any(user.may_act_as(role, document.organisation_id) for role in (Role.REPORTER, Role.IT_LEAD)):
        raise Forbidden(_("Chỉ chuyên viên báo cáo hoặc lãnh đạo cơ quan CNTT của đơn vị được sửa thông tin văn bản."))
    errors = {}
    for field, text, limit in (("number", given.number, 100), ("issuer", given.issuer, 300)):
        if len(text) > limit:
            errors[field] = _("Dài quá %(limit)s ký tự.") % {"limit": limit}
        elif (problem := text_problem(text)) is not None:
            errors[field] = problem
    if errors:
        raise InvalidInput(errors)
    document.document_number, document.document_date, document.issuer = (
        given.number.strip(),
        given.date,
        given.issuer.strip(),
    )
    document.corrected_by, document.corrected_at = user, timezone.now()
    document.save(update_fields=["document_number", "document_date", "issuer", "corrected_by", "corrected_at"])
    return document


def schedule_reading(*, document_id: int) -> None:
    """Read the document after the current transaction commits: in Celery, in the background worker
    without a broker, or (the suite) right then, where the tests switch reading on."""
    if not settings.EVIDENCE_READING:
        return

    def queue() -> None:
        from ..tasks import read_document_task

        if settings.EVIDENCE_READ_IN_PROCESS:
            background.worker.submit(("read-document", document_id), lambda: read_document(document_id=document_id))
            return
        try:
            read_document_task.delay(document_id)
        except Exception:
            # The document stays pending; `requeue_unread_documents` asks again once the broker answers.
            logger.exception("Could not queue the reading of document %s", document_id)

    transaction.on_commit(queue)


def read_document(*, document_id: int) -> EvidenceDocument:
    """Read one document: signatures, text (bounded in pages and time), number, date and issuer."""
    # The readers load pdfium, pyHanko and their certificates: only the process that reads needs them.
    from ..identity import find_identity
    from ..reading import ReadingFailed, read_text
    from ..signatures import check_signatures, load_trust_roots

    document = EvidenceDocument.objects.get(pk=document_id)
    with document.file.open("rb") as stored:
        content = stored.read()
    roots = load_trust_roots(settings.EVIDENCE_TRUST_ROOTS) if settings.EVIDENCE_TRUST_ROOTS else []
    checks = check_signatures(content, trust_roots=roots)
    signatures = [check.as_json() for check in checks]
    validly_signed = any(check.intact and check.trusted for check in checks)
    try:
        read = read_text(content, max_pages=settings.EVIDENCE_READ_MAX_PAGES, seconds=settings.EVIDENCE_READ_SECONDS)
    except Exception as failure:
        # A file no reader can read is marked so once, never retried by the sweep until the end of time.
        if not isinstance(failure, ReadingFailed):
            logger.exception("Reading document %s failed", document_id)
        EvidenceDocument.objects.filter(pk=document_id).update(
            text_status=TextStatus.FAILED,
            read_error=str(failure)[:1000],
            signatures=signatures,
            validly_signed=validly_signed,
            read_at=timezone.now(),
        )
        document.refresh_from_db()
        return document
    identity = find_identity(read.pages)
    text = "\f".join(read.pages)
    found = identity.as_json()
    fields = {
        "text_status": TextStatus.DONE,
        "text_method": str(read.method),
        "text": text,
        "search_text": search_form_of(text),
        "pages_read": len(read.pages),
        "read_at": timezone.now(),
        "read_error": "",
        "detected": found,
        "signatures": signatures,
        "validly_signed": validly_signed,
    }
    # A correction the reporter already made stands; otherwise the document shows what was found.
    if document.corrected_at is None:
        fields |= {"document_kind": identity.kind, "document_number": identity.number,
                   "document_date": identity.date, "issuer": identity.issuer}  # fmt: skip
    EvidenceDocument.objects.filter(pk=document_id).update(**fields)
    document.refresh_from_db()
    return document


def search_form_of(text: str) -> str:
    """Text as the evidence search compares it (`accounts.names.folded`); unlike a name, nothing is left out."""
    return folded(text)


@dataclass(frozen=True)
class SearchHit:
    """A document whose text holds the phrase, the leaves it is attached to, and the page it is on."""

    document: EvidenceDocument
    page: int | None
    excerpt: str
    attachments: list[Evidence]


def search_evidence(*, campaign_id: int, phrase: str, limit: int = 50) -> list[SearchHit]:
    """The campaign's evidence whose text holds `phrase`, accents optional: PostgreSQL's full-text
    search over the folded text (then the phrase itself), a plain match elsewhere."""
    folded = search_form_of(phrase)
    if len(folded) < 2:
        return []
    documents = EvidenceDocument.objects.filter(
        attachments__answer__submission__campaign_id=campaign_id, attachments__removed_at=None
    )
    if connection.vendor == "postgresql":
        # The words through the full-text index (the migration's expression, exactly), then the phrase as typed.
        documents = documents.filter(
            RawSQL(
                "to_tsvector('simple', submissions_evidencedocument.search_text) @@ phraseto_tsquery('simple', %s)",
                [folded],
                output_field=BooleanField(),
            )
        )
    documents = documents.filter(search_text__contains=folded).distinct().order_by("organisation__code", "pk")
    hits = []
    for document in documents[:limit]:
        attachments = list(
            document.attachments.filter(removed_at=None, answer__submission__campaign_id=campaign_id).select_related(
                "answer__node", "answer__submission__organisation"
            )
        )
        page, excerpt = _where(document, folded)
        hits.append(SearchHit(document, page, excerpt, attachments))
    return hits


def _where(document: EvidenceDocument, folded: str) -> tuple[int | None, str]:
    for number, text in enumerate(document.page_texts(), start=1):
        position = search_form_of(text).find(folded)
        if position >= 0:
            flat = " ".join(text.split())
            start = max(position - 80, 0)
            return number, ("…" if start else "") + flat[start : position + len(folded) + 80] + "…"
    return None, ""


def requeue_unread_documents(*, older_than_seconds: int = 600) -> list[int]:
    """Queue again the documents still pending long after their upload (a lost task, a broker that was down)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    ids = list(
        EvidenceDocument.objects.filter(Q(text_status=TextStatus.PENDING), uploaded_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:100]
    )
    for document_id in ids:
        schedule_reading(document_id=document_id)
    return ids
