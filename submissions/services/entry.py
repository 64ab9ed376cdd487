"""The unit's data entry: answers, evidence, comments and the Excel import; each one function, one
transaction, one history row."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Forbidden, LeafErrors, StaleLeaves
from common.formatting import format_number
from common.rules import input_fields, level_label
from common.vocabulary import Stage
from indicators.models import Node
from indicators.rules import Rule

from ..errors import AnswerInvalid, HeldImportGone, ImportAlreadyApplied, ImportRejected, StaleAnswerError
from ..evidence import CheckedPdf, EvidenceRejected, check_pdf
from ..excel import (
    RowInput,
    RowProblem,
    WorkbookReading,
    cell_problem,
    column_letter,
    read_submission_workbook,
    sorted_problems,
)
from ..models import VALUE_FIELDS, Answer, Event, Evidence, PendingImport, Submission
from ..signals import campaign_values_changed
from .documents import attach, store_document
from .locks import lock_answer, lock_submission, locked_answers


@dataclass
class AnswerInput:
    """What a unit may change on an answer; None leaves a field as it is."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    choice: str | None = None
    explanation: str | None = None
    clear_value: bool = False


# The fields a unit reports on a leaf (what `Answer.reported` returns).
REPORTED_FIELDS = (*VALUE_FIELDS, "explanation")

# The largest number an answer stores (the value columns are numeric(20, 6)).
LARGEST_NUMBER = Decimal("99999999999999")


def unfit_field_message(rule: str) -> str:
    """The refusal of a field the leaf's rule does not read, naming the fields it does."""
    if rule == Rule.RATIO:
        return _("Chỉ số này nhập tử số và mẫu số (numerator, denominator).")
    if rule == Rule.LEVELS:
        return _("Chỉ số này chọn một mức (choice).")
    return _("Chỉ số này nhập một giá trị (value).")


def validate_answer(node: Node, given: AnswerInput) -> dict[str, Any]:
    """Check input against the leaf's rule; return the fields to store or raise AnswerInvalid."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    rule = node.rule
    if given.explanation is not None:
        fields["explanation"] = given.explanation.strip()
    if given.clear_value:
        return {**fields, "value": None, "numerator": None, "denominator": None, "choice": ""}
    too_large = {
        name: _("Số quá lớn: tối đa %(max)s.") % {"max": format_number(LARGEST_NUMBER)}
        for name in ("value", "numerator", "denominator")
        if (number := getattr(given, name)) is not None and abs(number) > LARGEST_NUMBER
    }
    if too_large:
        # The columns hold 20 digits, 6 of them decimals: a larger number would fail the database.
        raise AnswerInvalid(too_large)
    unfit = {name: unfit_field_message(rule) for name in ("value", "numerator", "denominator", "choice")
             if name not in input_fields(rule) and getattr(given, name) not in (None, "")}  # fmt: skip
    if unfit:
        # A field the rule does not read would be silently dropped: the sender believes it saved a value.
        raise AnswerInvalid(unfit)
    if rule == Rule.RATIO:
        if given.numerator is not None or given.denominator is not None:
            if given.numerator is None or given.numerator < 0:
                errors["numerator"] = _("Tử số phải là số không âm.")
            if given.denominator is None or given.denominator <= 0:
                errors["denominator"] = _("Mẫu số phải là số lớn hơn 0.")
            elif given.numerator is not None and given.numerator > given.denominator:
                errors["numerator"] = _("Tử số không được lớn hơn mẫu số.")
            fields.update(numerator=given.numerator, denominator=given.denominator)
    elif rule == Rule.LEVELS:
        if given.choice is not None:
            labels = [level["label"] for level in node.parameters.get("levels", [])]
            choice = level_label(node.parameters, given.choice)
            if choice and choice not in labels:
                errors["choice"] = _("Chọn một trong các mức: %(labels)s.") % {"labels": "; ".join(labels)}
            fields["choice"] = choice
    elif given.value is not None:
        value = given.value
        if rule == Rule.BOOLEAN and value not in (0, 1):
            errors["value"] = _("Chọn Có hoặc Không.")
        elif rule == Rule.PERCENTAGE and not Decimal(0) <= value <= Decimal(100):
            errors["value"] = _("Tỷ lệ phải từ 0 đến 100 (%).")
        elif rule == Rule.MANUAL and not Decimal(0) <= value <= (node.max_points or Decimal(0)):
            errors["value"] = _("Điểm phải từ 0 đến %(max)s.") % {"max": format_number(node.max_points)}
        elif value < 0:
            errors["value"] = _("Giá trị không được âm.")
        fields["value"] = value
    if errors:
        raise AnswerInvalid(errors)
    return fields


@transaction.atomic
def save_answer(*, answer_id: int, user: User, given: AnswerInput, expected_version: int) -> Answer:
    """Save a unit's answer if nobody saved it since `expected_version`; record the change.

    Raises StaleAnswerError (keeping the other person's value) on a stale version, PermissionDenied
    when the user may not edit this submission now, AnswerInvalid on bad input.
    """
    submission, answer = lock_answer(answer_id)
    if not submission.can_edit(user):
        raise Forbidden(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
    if answer.node.source != Node.Source.SELF_REPORT:
        raise Forbidden(_("Chỉ số này do cơ quan đánh giá cung cấp; đơn vị không nhập."))
    fields = validate_answer(answer.node, given)
    if answer.version != expected_version:
        if _already_stored(answer, fields):
            # The same value saved twice (a field's save on leaving it racing the section's save):
            # nothing to overwrite, so nothing to refuse.
            return answer
        raise StaleAnswerError(_("Dữ liệu đã được người khác cập nhật – vui lòng tải lại"))
    if not write_reported(submission=submission, answer=answer, user=user, fields=fields, kind=Event.Kind.ANSWER):
        return answer
    Submission.objects.filter(pk=submission.pk).update(last_activity=answer.updated_at)
    campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return answer


def _already_stored(answer: Answer, fields: dict[str, Any]) -> bool:
    """Whether writing `fields` would leave the answer's reported fields as they are."""
    stored = answer.reported()
    proposed = Answer(**{name: getattr(answer, name) for name in ("value", "numerator", "denominator", "choice",
                                                                  "explanation")})  # fmt: skip
    for name, value in fields.items():
        setattr(proposed, name, value)
    return proposed.reported() == stored


def write_reported(
    *,
    submission: Submission,
    answer: Answer,
    user: User,
    fields: dict[str, Any],
    kind: str,
    note: dict[str, Any] | None = None,
    events: list[Event] | None = None,
) -> bool:
    """Write new reported fields on a locked answer: its live score, a new version and one history row.

    Returns False, writing nothing, when the fields change nothing. Every path that changes what a leaf
    reports (the unit's save, an import, an authority value, the expert panel) goes through here, or
    through its bulk form `write_reported_many`. With `events`, the history row is added to that list
    instead, for the caller to insert with the others in the same transaction (an import of hundreds
    of rows writes its history in one statement).
    """
    event = _reported_change(submission, answer, user, fields, kind, note, timezone.now())
    if event is None:
        return False
    answer.save()
    if events is None:
        event.save()
    else:
        events.append(event)
    return True


@dataclass
class ReportedWrite:
    """One locked answer of `write_reported_many`, with who writes it and the fields to store."""

    submission: Submission
    answer: Answer
    user: User
    fields: dict[str, Any]
    kind: str
    note: dict[str, Any] | None = None


def write_reported_many(writes: list[ReportedWrite]) -> int:
    """`write_reported` for many locked answers at once (a whole campaign's simulated figures): the same
    fields, score, version and history row for each, the history rows in one statement. Returns how many
    changed."""
    now = timezone.now()
    changed: list[Answer] = []
    events: list[Event] = []
    for write in writes:
        event = _reported_change(write.submission, write.answer, write.user, write.fields, write.kind, write.note, now)
        if event is not None:
            changed.append(write.answer)
            events.append(event)
    # One UPDATE per answer: a bulk_update's CASE over thousands of rows costs several times more.
    for answer in changed:
        answer.save(update_fields=[*REPORTED_FIELDS, "self_score", "version", "updated_by", "updated_at"])
    Event.objects.bulk_create(events, batch_size=1000)
    return len(changed)


def _reported_change(
    submission: Submission,
    answer: Answer,
    user: User,
    fields: dict[str, Any],
    kind: str,
    note: dict[str, Any] | None,
    at: Any,
) -> Event | None:
    """Set new reported fields on an answer with its live score and next version, unsaved; return its
    history row, unsaved, or None (the answer untouched in substance) when they change nothing."""
    before = answer.reported()
    for name, value in fields.items():
        setattr(answer, name, value)
    after = answer.reported()
    if after == before:
        return None
    answer.self_score = answer.stage_score(Stage.SELF)
    answer.version += 1
    answer.updated_by = user
    answer.updated_at = at
    return Event(
        submission=submission, answer=answer, kind=kind, actor=user, at=at, old=before, new={**after, **(note or {})}
    )


def upload_evidence(*, answer_id: int, user: User, content: bytes, original_name: str, title: str) -> Evidence:
    """Attach a checked PDF to an answer; reject it, storing nothing, when it is not acceptable.

    The file is inspected before the submission is locked, so that the unit's saves never wait for
    a PDF check; whether the person may attach a file is asked first, and again under the lock.
    """
    answer = Answer.objects.select_related("submission__campaign").get(pk=answer_id)
    check_may_attach(answer.submission, answer, user)
    checked = check_pdf(content)
    return _attach_evidence(answer=answer, user=user, checked=checked, original_name=original_name, title=title)


def check_may_attach(submission: Submission, answer: Answer, user: User) -> None:
    """Whether the person may attach a file to this leaf now."""
    # During the explanation round the unit may add evidence to support its reply.
    if not (submission.can_edit(user) or (submission.can_explain(user) and answer.is_contested())):
        raise Forbidden(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))


@transaction.atomic
def _attach_evidence(*, answer: Answer, user: User, checked: CheckedPdf, original_name: str, title: str) -> Evidence:
    submission = lock_submission(answer.submission_id)
    check_may_attach(submission, answer, user)
    if answer.evidence.filter(sha256=checked.sha256, removed_at=None).exists():
        raise EvidenceRejected(_("Tệp này đã được đính kèm cho chỉ số này (trùng nội dung)."))
    # The unit's document with this content, stored and read once however many leaves it supports.
    document = store_document(organisation_id=submission.organisation_id, user=user, checked=checked,
                              original_name=original_name, title=title)  # fmt: skip
    evidence = attach(submission=submission, answer=answer, user=user, document=document, title=title or original_name)
    Submission.objects.filter(pk=submission.pk).update(last_activity=timezone.now())
    return evidence


@transaction.atomic
def remove_evidence(*, evidence_id: int, user: User) -> Evidence:
    """Withdraw a file from an answer; it stays stored and in the history."""
    evidence = Evidence.objects.select_related("answer").get(pk=evidence_id)
    submission = lock_submission(evidence.answer.submission_id)
    if not submission.can_edit(user):
        raise Forbidden(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
    if evidence.removed_at is not None:
        return evidence
    evidence.removed_at = timezone.now()
    evidence.removed_by = user
    evidence.save(update_fields=["removed_at", "removed_by"])
    Event.objects.create(
        submission=submission,
        answer=evidence.answer,
        kind=Event.Kind.EVIDENCE_REMOVED,
        actor=user,
        old={"evidence": evidence.pk, "title": evidence.title, "sha256": evidence.sha256},
    )
    return evidence


@transaction.atomic
def add_comment(*, submission_id: int, user: User, text: str) -> Event:
    """A remark on a submission by anyone of its unit (the provincial office included) or the authority."""
    submission = Submission.objects.visible_to(user).filter(pk=submission_id).first()
    if submission is None:
        raise Forbidden(_("Bạn không xem được hồ sơ này."))
    if not text.strip():
        raise AnswerInvalid({"comment": _("Ý kiến không được để trống.")})
    return Event.objects.create(submission=submission, kind=Event.Kind.COMMENT, actor=user, comment=text.strip())


@dataclass(frozen=True)
class Difference:
    """One thing an import changes on a leaf, as a person reads it ("Giá trị": "2,5" → "5")."""

    label: str
    before: str
    after: str


@dataclass
class ImportChange:
    """One leaf an import changes: its row, the reported fields before and after, and what differs."""

    row: int
    code: str
    name: str
    before: dict[str, Any]
    after: dict[str, Any]
    differences: list[Difference] = field(default_factory=list)


def _same(before: Any, after: Any) -> bool:
    """Numbers compare by value (70 is 70,000000); an empty text is no text."""
    if isinstance(before, Decimal) or isinstance(after, Decimal):
        return bool(before == after)
    return (before or "") == (after or "")


def _differences(before: Answer, after: Answer) -> list[Difference]:
    """What a person would see change on the leaf: its value (Có/Không, 1,5, a level, 12 / 40) and its
    explanation; nothing when every field holds the same value."""
    differences = []
    if not all(_same(getattr(before, name), getattr(after, name)) for name in VALUE_FIELDS):
        rule = before.node.rule
        label = _("Tử số / mẫu số") if rule == Rule.RATIO else _("Mức") if rule == Rule.LEVELS else _("Giá trị")
        differences.append(Difference(label, before.reported_text, after.reported_text))
    if not _same(before.explanation, after.explanation):
        differences.append(Difference(_("Giải thích"), before.explanation or "—", after.explanation or "—"))
    return differences


def _planned_fields(row: RowInput, answer: Answer) -> dict[str, Any]:
    """The fields a row stores on its leaf, checked by the leaf's rule; raises AnswerInvalid."""
    values = row.values
    inputs = [values.get(name) for name in ("value", "numerator", "denominator", "choice") if name in values]
    given = AnswerInput(
        value=values.get("value"),
        numerator=values.get("numerator"),
        denominator=values.get("denominator"),
        choice=values.get("choice"),
        explanation=values.get("explanation", ""),
        clear_value=all(item in (None, "") for item in inputs),
    )
    return validate_answer(answer.node, given)


@transaction.atomic
def import_answers(
    *,
    submission_id: int,
    user: User,
    reading: WorkbookReading,
    apply: bool,
    source: dict[str, Any] | None = None,
) -> list[ImportChange]:
    """Check an uploaded template against the submission and, when `apply`, save every change.

    All or nothing: any problem (a bad cell, a leaf changed by someone since the template was
    downloaded) raises ImportRejected, every problem sorted by row and column, and nothing is saved.
    Only real changes are listed (70 and 70,000000 are the same value). Each applied change is
    recorded like a save from the page, plus one history row for the import itself (with `source`,
    what is known of the file); the campaign hears of the new values once, for the whole import.
    """
    submission = lock_submission(submission_id)
    if not submission.can_edit(user):
        raise Forbidden(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
    problems = list(reading.errors)
    planned: list[tuple[ImportChange, Answer, dict[str, Any]]] = []
    locked = locked_answers().in_bulk([row.answer.pk for row in reading.rows])
    for row in reading.rows:
        answer = locked[row.answer.pk]
        code = answer.node.code
        if answer.version != row.version:
            message = _("Dòng %(row)s (%(code)s): số liệu đã được cập nhật sau khi tải mẫu về; hãy tải mẫu mới.")
            problems.append(RowProblem(row.row, column_letter("version"), message % {"row": row.row, "code": code}))
            continue
        try:
            fields = _planned_fields(row, answer)
        except AnswerInvalid as error:
            problems.extend(cell_problem(row.row, name, code, message) for name, message in error.errors.items())
            continue
        after = Answer(node=answer.node, **{name: getattr(answer, name) for name in REPORTED_FIELDS})
        for name, value in fields.items():
            setattr(after, name, value)
        differences = _differences(answer, after)
        if differences:
            change = ImportChange(row.row, code, answer.node.name, answer.reported(), after.reported(), differences)
            planned.append((change, answer, fields))
    if problems:
        raise ImportRejected(sorted_problems(problems))
    changes = [change for change, _answer, _fields in planned]
    if apply and planned:
        events: list[Event] = []
        for _change, answer, fields in planned:
            write_reported(
                submission=submission, answer=answer, user=user, fields=fields, kind=Event.Kind.ANSWER, events=events
            )
        events.append(
            Event(
                submission=submission,
                kind=Event.Kind.IMPORT,
                actor=user,
                new={**(source or {}), "rows": len(changes), "codes": [change.code for change in changes]},
            )
        )
        Event.objects.bulk_create(events)
        Submission.objects.filter(pk=submission.pk).update(last_activity=timezone.now())
        campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return changes


@dataclass
class ImportPreview:
    """The changes an upload would make, and the upload kept for its uploader to apply (None when it
    changes nothing)."""

    changes: list[ImportChange]
    held: PendingImport | None


def preview_import(*, submission_id: int, user: User, content: bytes, original_name: str) -> ImportPreview:
    """Read an uploaded template and list what it would change, saving no answer; keep the file for
    PendingImport.LIFETIME so that its uploader can apply it without choosing it again.

    Raises what `import_answers` raises (ImportRejected with every problem, Forbidden), and
    SpreadsheetError when the file is not this template. Every upload first deletes the held
    uploads past their time, a refused one too.
    """
    PendingImport.objects.expired().delete()
    submission = Submission.objects.select_related("campaign").get(pk=submission_id)
    reading = read_submission_workbook(content, submission)
    with transaction.atomic():
        changes = import_answers(submission_id=submission.pk, user=user, reading=reading, apply=False)
        if not changes:
            return ImportPreview(changes=changes, held=None)
        held = PendingImport.objects.create(
            submission=submission,
            uploaded_by=user,
            original_name=original_name[:255],
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
        )
    return ImportPreview(changes=changes, held=held)


@transaction.atomic
def apply_held_import(*, token: str, submission_id: int, user: User) -> list[ImportChange]:
    """Apply an upload kept by `preview_import`: only by the person who uploaded it, on its own
    submission, while the submission may be edited and before the upload expires.

    The stored file is read and checked again as on upload (all or nothing, leaves changed since the
    download included) and deleted once applied. Raises HeldImportGone (upload again) for a token
    that is past its time, unknown or another person's, ImportAlreadyApplied for one this person
    already applied, and what `import_answers` raises.
    """
    submission = lock_submission(submission_id)
    if not submission.can_edit(user):
        raise Forbidden(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
    minutes = {"minutes": int(PendingImport.LIFETIME.total_seconds() // 60)}
    try:
        key = str(uuid.UUID(token))
    except ValueError:
        key = ""
    held = None
    if key:
        mine = PendingImport.objects.select_for_update().filter(submission=submission, uploaded_by=user)
        held = mine.filter(token=key).first()
    if held is None:
        # A second click, or the form sent again, finds the upload already applied and gone.
        imports = Event.objects.filter(submission=submission, kind=Event.Kind.IMPORT, actor=user)
        if key and imports.filter(new__token=key).exists():
            raise ImportAlreadyApplied(_("Tệp này đã được áp dụng vào hồ sơ; không cần áp dụng lại."))
        raise HeldImportGone(
            _("Không còn tệp đã xem trước để áp dụng (tệp chỉ được giữ %(minutes)s phút). Hãy tải tệp lên lại.")
            % minutes
        )
    if held.is_expired():
        raise HeldImportGone(
            _("Tệp đã xem trước quá %(minutes)s phút nên không còn được giữ. Hãy tải tệp lên lại.") % minutes
        )
    reading = read_submission_workbook(bytes(held.content), submission)
    source = {"file": held.original_name, "sha256": held.sha256, "token": str(held.token)}
    changes = import_answers(submission_id=submission.pk, user=user, reading=reading, apply=True, source=source)
    held.delete()
    return changes


@dataclass
class SectionEntry:
    """One leaf of a section save: what the person typed and the version they saw."""

    answer_id: int
    given: AnswerInput
    expected_version: int


@dataclass
class SectionSave:
    """What a section save did: the leaves saved, and those refused with the reason by field or as stale."""

    saved: list[Answer]
    invalid: dict[int, dict[str, str]]
    stale: dict[int, Answer]


@transaction.atomic
def save_section(*, submission_id: int, user: User, entries: list[SectionEntry]) -> SectionSave:
    """Save every leaf of a section in one transaction: the valid ones are saved, each with its history
    row; a leaf with bad input, or saved by someone else since the person opened it, is refused and
    reported without stopping the others. Asks for one recompute, however many leaves changed."""
    submission = lock_submission(submission_id)
    if not submission.can_edit(user):
        raise Forbidden(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
    locked = locked_answers().filter(submission=submission).in_bulk([entry.answer_id for entry in entries])
    result = SectionSave(saved=[], invalid={}, stale={})
    for entry in entries:
        answer = locked.get(entry.answer_id)
        if answer is None or answer.node.source != Node.Source.SELF_REPORT:
            raise Forbidden(_("Chỉ số này do cơ quan đánh giá cung cấp; đơn vị không nhập."))
        try:
            fields = validate_answer(answer.node, entry.given)
        except AnswerInvalid as error:
            result.invalid[answer.pk] = error.errors
            continue
        if answer.version != entry.expected_version:
            if not _already_stored(answer, fields):
                result.stale[answer.pk] = answer
            continue
        if write_reported(submission=submission, answer=answer, user=user, fields=fields, kind=Event.Kind.ANSWER):
            result.saved.append(answer)
    if result.saved:
        Submission.objects.filter(pk=submission.pk).update(last_activity=timezone.now())
        campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return result


def unknown_leaf_message(key: str) -> str:
    return _("Không có chỉ số “%(key)s” trong bộ chỉ số của hồ sơ.") % {"key": key}


@dataclass
class LeafEntry:
    """One leaf of a bulk write, by its key: what the client sent and the version it read."""

    key: str
    given: AnswerInput
    expected_version: int


@transaction.atomic
def save_answers(*, submission_id: int, user: User, entries: list[LeafEntry]) -> dict[str, Answer]:
    """Save many leaves of a submission at once, all or nothing: every leaf is checked first, and a
    leaf with bad input (LeafErrors, with every refused leaf's errors by field) or saved by someone
    else since `expected_version` (StaleLeaves, with every such leaf) refuses the whole request, so
    the client can correct it and send it again as it was. Each changed leaf gets its history row as a
    save from the page does; the campaign hears of the new values once. Returns the answers by key,
    the unchanged ones included.
    """
    submission = lock_submission(submission_id)
    if not submission.can_edit(user):
        raise Forbidden(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
    locked = {
        answer.node.key: answer
        for answer in locked_answers().filter(submission=submission, node__key__in=[entry.key for entry in entries])
    }
    errors: dict[str, dict[str, str]] = {}
    stale: list[str] = []
    planned: list[tuple[Answer, dict[str, Any]]] = []
    for entry in entries:
        answer = locked.get(entry.key)
        if answer is None:
            errors[entry.key] = {"leaf": unknown_leaf_message(entry.key)}
            continue
        if answer.node.source != Node.Source.SELF_REPORT:
            errors[entry.key] = {"leaf": _("Chỉ số này do cơ quan đánh giá cung cấp; đơn vị không nhập.")}
            continue
        try:
            fields = validate_answer(answer.node, entry.given)
        except AnswerInvalid as error:
            errors[entry.key] = error.errors
            continue
        if answer.version != entry.expected_version:
            if not _already_stored(answer, fields):
                stale.append(entry.key)
            continue
        planned.append((answer, fields))
    if errors:
        raise LeafErrors(errors)
    if stale:
        raise StaleLeaves(
            _("Dữ liệu của %(count)s chỉ số đã được người khác cập nhật – vui lòng tải lại.") % {"count": len(stale)},
            leaves=stale,
        )
    events: list[Event] = []
    for answer, fields in planned:
        write_reported(
            submission=submission, answer=answer, user=user, fields=fields, kind=Event.Kind.ANSWER, events=events
        )
    if events:
        Event.objects.bulk_create(events)
        Submission.objects.filter(pk=submission.pk).update(last_activity=timezone.now())
        campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return {entry.key: locked[entry.key] for entry in entries}
