"""The unit's data entry: answers, evidence, comments and the Excel import; each one function, one
transaction, one history row."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Forbidden
from common.formatting import format_number
from common.vocabulary import Stage
from indicators.models import Node
from indicators.rules import Rule

from ..errors import AnswerInvalid, ImportRejected, StaleAnswerError
from ..evidence import EvidenceRejected, check_pdf
from ..excel import RowInput, WorkbookReading, column_letter
from ..models import Answer, Event, Evidence, Submission
from ..signals import campaign_values_changed


@dataclass
class AnswerInput:
    """What a unit may change on an answer; None leaves a field as it is."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    choice: str | None = None
    explanation: str | None = None
    clear_value: bool = False


# The largest number an answer stores (the value columns are numeric(20, 6)).
LARGEST_NUMBER = Decimal("99999999999999")


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
            if given.choice and given.choice not in labels:
                errors["choice"] = _("Chọn một trong các mức: %(labels)s.") % {"labels": "; ".join(labels)}
            fields["choice"] = given.choice
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
    answer = Answer.objects.select_related("node").get(pk=answer_id)
    submission = Submission.objects.select_for_update().select_related("campaign").get(pk=answer.submission_id)
    answer = Answer.objects.select_for_update().select_related("node").get(pk=answer_id)
    if not submission.can_edit(user):
        raise Forbidden(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
    if answer.node.source != Node.Source.SELF_REPORT:
        raise Forbidden(_("Chỉ số này do cơ quan đánh giá cung cấp; đơn vị không nhập."))
    if answer.version != expected_version:
        raise StaleAnswerError(_("Dữ liệu đã được người khác cập nhật – vui lòng tải lại"))
    fields = validate_answer(answer.node, given)
    if not write_reported(submission=submission, answer=answer, user=user, fields=fields, kind=Event.Kind.ANSWER):
        return answer
    Submission.objects.filter(pk=submission.pk).update(last_activity=answer.updated_at)
    campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return answer


def write_reported(
    *,
    submission: Submission,
    answer: Answer,
    user: User,
    fields: dict[str, Any],
    kind: str,
    note: dict[str, Any] | None = None,
) -> bool:
    """Write new reported fields on a locked answer: its live score, a new version and one history row.

    Returns False, writing nothing, when the fields change nothing. Every path that changes what a leaf
    reports (the unit's save, an import, an authority value, the expert panel) goes through here, or
    through its bulk form `write_reported_many`.
    """
    event = _reported_change(submission, answer, user, fields, kind, note, timezone.now())
    if event is None:
        return False
    answer.save()
    event.save()
    return True


# What a unit reports on a leaf: the fields `write_reported` changes besides the score and version.
REPORTED_FIELDS = ("value", "numerator", "denominator", "choice", "explanation")


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


@transaction.atomic
def upload_evidence(*, answer_id: int, user: User, content: bytes, original_name: str, title: str) -> Evidence:
    """Attach a checked PDF to an answer; reject it, storing nothing, when it is not acceptable."""
    answer = Answer.objects.select_related("submission").get(pk=answer_id)
    submission = Submission.objects.select_for_update().select_related("campaign").get(pk=answer.submission_id)
    # During the explanation round the unit may add evidence to support its reply.
    if not (submission.can_edit(user) or (submission.can_explain(user) and answer.is_contested())):
        raise Forbidden(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
    checked = check_pdf(content)
    if answer.evidence.filter(sha256=checked.sha256, removed_at=None).exists():
        raise EvidenceRejected(_("Tệp này đã được đính kèm cho chỉ số này (trùng nội dung)."))
    evidence = Evidence(
        answer=answer,
        title=title.strip() or original_name,
        original_name=original_name[:255],
        size=checked.size,
        sha256=checked.sha256,
        pages=checked.pages,
        uploaded_by=user,
    )
    evidence.file.save("evidence.pdf", ContentFile(checked.content), save=False)
    try:
        evidence.save()
        Event.objects.create(
            submission=submission,
            answer=answer,
            kind=Event.Kind.EVIDENCE_ADDED,
            actor=user,
            new={"evidence": evidence.pk, "title": evidence.title, "sha256": evidence.sha256},
        )
    except Exception:
        evidence.file.delete(save=False)
        raise
    Submission.objects.filter(pk=submission.pk).update(last_activity=timezone.now())
    return evidence


@transaction.atomic
def remove_evidence(*, evidence_id: int, user: User) -> Evidence:
    """Withdraw a file from an answer; it stays stored and in the history."""
    evidence = Evidence.objects.select_related("answer").get(pk=evidence_id)
    submission = Submission.objects.select_for_update().select_related("campaign").get(pk=evidence.answer.submission_id)
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


@dataclass
class ImportChange:
    row: int
    code: str
    name: str
    before: dict[str, Any]
    after: dict[str, Any]


@transaction.atomic
def import_answers(*, submission_id: int, user: User, reading: WorkbookReading, apply: bool) -> list[ImportChange]:
    """Check an uploaded template against the submission and, when `apply`, save every change.

    All or nothing: any problem (a bad cell, a leaf changed by someone since the template was
    downloaded) raises ImportRejected and nothing is saved. Each applied change is recorded like
    a save from the page, plus one history row for the import itself.
    """
    submission = Submission.objects.select_for_update().select_related("campaign").get(pk=submission_id)
    if not submission.can_edit(user):
        raise Forbidden(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
    problems = list(reading.errors)
    changes: list[tuple[ImportChange, RowInput, AnswerInput]] = []
    locked = Answer.objects.select_for_update().select_related("node").in_bulk([row.answer.pk for row in reading.rows])
    for row in reading.rows:
        answer = locked[row.answer.pk]
        if answer.version != row.version:
            problems.append(
                _("Dòng %(row)s (%(code)s): số liệu đã được cập nhật sau khi tải mẫu về; hãy tải mẫu mới.")
                % {"row": row.row, "code": answer.node.code}
            )
            continue
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
        try:
            fields = validate_answer(answer.node, given)
        except AnswerInvalid as error:
            problems.extend(
                _("Dòng %(row)s, cột %(col)s (%(code)s): %(reason)s")
                % {"row": row.row, "col": column_letter(name), "code": answer.node.code, "reason": message}
                for name, message in error.errors.items()
            )
            continue
        before = answer.reported()
        after = {**before, **{name: value for name, value in fields.items() if name in before}}
        after = Answer(
            **{name: after[name] for name in ("value", "numerator", "denominator", "choice", "explanation")}
        ).reported()
        if after != before:
            changes.append((ImportChange(row.row, answer.node.code, answer.node.name, before, after), row, given))
    if problems:
        raise ImportRejected(problems)
    if apply and changes:
        for _change, row, given in changes:
            save_answer(answer_id=row.answer.pk, user=user, given=given, expected_version=row.version)
        Event.objects.create(
            submission=submission,
            kind=Event.Kind.IMPORT,
            actor=user,
            new={"rows": len(changes), "codes": [change.code for change, _row, _given in changes]},
        )
    return [change for change, _row, _given in changes]
