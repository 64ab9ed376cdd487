"""Workflow steps of data entry and approval: each one function, one transaction, one history row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role, User
from common.formatting import format_number
from indicators.models import Node
from indicators.rules import Rule

from .evidence import EvidenceRejected, check_pdf
from .excel import RowInput, WorkbookReading, column_letter
from .models import (
    ACTIONS_NEEDING_A_REASON,
    ORIGIN_OF_APPROVAL,
    TRANSITIONS,
    Action,
    Answer,
    Campaign,
    Decision,
    Event,
    Evidence,
    Notification,
    StaleAnswerError,
    Submission,
    SubmissionState,
    WorkflowError,
    may_act_on,
)
from .signals import campaign_values_changed
from .tasks import send_notification_emails


class AnswerInvalid(Exception):
    """Input that cannot be saved; `errors` maps each field to a Vietnamese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@transaction.atomic
def open_campaign(*, campaign: Campaign, by: User) -> int:
    """Open a campaign: one submission per unit of its year, level and groups, with an answer per leaf.

    The framework must pass the integrity check unless the campaign is marked as a trial.
    Returns the number of submissions created.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state != Campaign.State.DRAFT:
        raise WorkflowError(_("Đợt đánh giá đã được mở."))
    if not campaign.framework.complete and not campaign.is_trial:
        raise WorkflowError(_("Bộ chỉ số chưa qua kiểm tra tính toàn vẹn; chỉ có thể mở ở chế độ chạy thử."))
    if not campaign.framework.applies_to(campaign.year) or campaign.framework.level != campaign.level:
        raise WorkflowError(_("Bộ chỉ số không áp dụng cho năm và cấp của đợt đánh giá."))
    units = Organisation.objects.of_level(campaign.level).valid_in(campaign.year).filter(group__in=campaign.groups)
    submissions = Submission.objects.bulk_create(Submission(campaign=campaign, organisation=unit) for unit in units)
    parents = set(campaign.framework.nodes.exclude(parent=None).values_list("parent_id", flat=True))
    leaves = [node for node in campaign.framework.nodes.all() if node.pk not in parents]
    Answer.objects.bulk_create(
        Answer(submission=submission, node=leaf) for submission in submissions for leaf in leaves
    )
    campaign.state = Campaign.State.OPEN
    campaign.opened_at = timezone.now()
    campaign.save(update_fields=["state", "opened_at"])
    return len(submissions)


@dataclass
class AnswerInput:
    """What a unit may change on an answer; None leaves a field as it is."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    choice: str | None = None
    explanation: str | None = None
    clear_value: bool = False


def _validated(node: Node, given: AnswerInput) -> dict[str, Any]:
    """Check input against the leaf's rule; return the fields to store or raise AnswerInvalid."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    rule = node.rule
    if given.explanation is not None:
        fields["explanation"] = given.explanation.strip()
    if given.clear_value:
        return {**fields, "value": None, "numerator": None, "denominator": None, "choice": ""}
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
        raise PermissionDenied(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
    if answer.node.source != "self_report":
        raise PermissionDenied(_("Chỉ số này do cơ quan đánh giá cung cấp; đơn vị không nhập."))
    if answer.version != expected_version:
        raise StaleAnswerError(_("Dữ liệu đã được người khác cập nhật – vui lòng tải lại"))
    fields = _validated(answer.node, given)
    if not write_reported(submission=submission, answer=answer, user=user, fields=fields, kind=Event.Kind.ANSWER):
        return answer
    Submission.objects.filter(pk=submission.pk).update(last_activity=answer.updated_at)
    campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return answer


def write_reported(
    *, submission: Submission, answer: Answer, user: User, fields: dict[str, Any], kind: str,
    note: dict[str, Any] | None = None,
) -> bool:  # fmt: skip
    """Write new reported fields on a locked answer: its live score, a new version and one history row.

    Returns False, writing nothing, when the fields change nothing. Every path that changes what a leaf
    reports (the unit's save, an import, an authority value, the expert panel) goes through here.
    """
    before = answer.reported()
    for name, value in fields.items():
        setattr(answer, name, value)
    after = answer.reported()
    if after == before:
        return False
    answer.self_score = answer.stage_score("self")
    answer.version += 1
    answer.updated_by = user
    answer.updated_at = timezone.now()
    answer.save()
    Event.objects.create(
        submission=submission, answer=answer, kind=kind, actor=user, old=before, new={**after, **(note or {})}
    )
    return True


@transaction.atomic
def upload_evidence(*, answer_id: int, user: User, content: bytes, original_name: str, title: str) -> Evidence:
    """Attach a checked PDF to an answer; reject it, storing nothing, when it is not acceptable."""
    answer = Answer.objects.select_related("submission").get(pk=answer_id)
    submission = Submission.objects.select_for_update().select_related("campaign").get(pk=answer.submission_id)
    # During the explanation round the unit may add evidence to support its reply.
    if not (submission.can_edit(user) or (submission.can_explain(user) and answer.is_contested())):
        raise PermissionDenied(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
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
        raise PermissionDenied(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
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


def missing_explanations(submission: Submission) -> list[Answer]:
    """Answers whose leaf needs evidence but has none attached and no explanation (seed 002's rule)."""
    return [
        answer
        for answer in submission.answers.filter(node__evidence_required=True, node__source="self_report")
        .select_related("node")
        .prefetch_related("evidence")
        if not answer.explanation and not any(item.removed_at is None for item in answer.evidence.all())
    ]


@transaction.atomic
def transition_submission(*, submission_id: int, user: User, action: str, comment: str = "") -> Submission:
    """Take one step of the approval chain, as the table of transitions allows.

    Raises WorkflowError when the action is not allowed in the current state (or is incomplete),
    PermissionDenied when the user lacks the role, belongs elsewhere or would approve their own work.
    """
    submission = Submission.objects.select_for_update().select_related("campaign").get(pk=submission_id)
    step = TRANSITIONS.get((submission.state, action))
    if step is None:
        raise WorkflowError(
            _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(state)s”.")
            % {"action": action, "state": submission.get_state_display()}
        )
    new_state, role = step
    if not may_act_on(user, role, submission.organisation_id):
        previous_state = (
            submission.events.filter(kind=Event.Kind.TRANSITION)
            .order_by("-at", "-id")
            .values_list("from_state", flat=True)
            .first()
        )
        # The step is the user's, but not now: someone took it first (a double click, a colleague),
        # or it is not their turn yet. Either is a conflict with the state, not a lack of rights.
        states = {previous_state or "", *states_after(submission.state)}
        if any(
            other_action == action and state in states and may_act_on(user, role_, submission.organisation_id)
            for (state, other_action), (_new, role_) in TRANSITIONS.items()
        ):
            raise WorkflowError(
                _("Hồ sơ đã chuyển sang trạng thái “%(state)s”; không thể “%(action)s” nữa.")
                % {"action": action, "state": submission.get_state_display()}
            )
        raise PermissionDenied(_("Bạn không có vai trò để thực hiện bước này."))
    comment = comment.strip()
    if action in ACTIONS_NEEDING_A_REASON and not comment:
        message = _("Phải nêu lý do khi trả lại.") if action == Action.RETURN else _("Phải nêu lý do mở lại.")
        raise AnswerInvalid({"comment": message})
    origin = ORIGIN_OF_APPROVAL.get(SubmissionState(submission.state))
    if action == Action.APPROVE and origin is not None:
        originator = (
            submission.events.filter(kind=Event.Kind.TRANSITION, new__action=origin)
            .order_by("-at", "-id")
            .values_list("actor_id", flat=True)
            .first()
        )
        if originator == user.pk:
            raise PermissionDenied(_("Không ai được tự phê duyệt hồ sơ do chính mình trình."))
    if action == Action.SUBMIT:
        if not submission.entry_window_open():
            raise WorkflowError(_("Đã hết hạn nhập số liệu."))
        lacking = missing_explanations(submission)
        if lacking:
            codes = ", ".join(answer.node.code for answer in lacking[:20])
            raise WorkflowError(
                _("Các chỉ số cần tài liệu kiểm chứng nhưng chưa có tài liệu và chưa giải thích: %(codes)s.")
                % {"codes": codes}
            )
    if action == Action.FINISH_APPRAISAL:
        undecided = list(
            submission.answers.filter(node__source="self_report", appraisal_decision="")
            .order_by("node__order")
            .values_list("node__code", flat=True)[:21]
        )
        if undecided:
            raise WorkflowError(_("Còn chỉ số chưa có kết luận thẩm định: %(codes)s.") % {"codes": _codes(undecided)})
    if action == Action.FINALISE:
        unsettled = list(
            submission.answers.filter(appraisal_decision__in=[Decision.ADJUST, Decision.QUESTION], final_decision="")
            .order_by("node__order")
            .values_list("node__code", flat=True)[:21]
        )
        if unsettled:
            raise WorkflowError(
                _("Còn chỉ số đang giải trình chưa được kết luận: %(codes)s.") % {"codes": _codes(unsettled)}
            )
    old_state = submission.state
    submission.state = new_state
    submission.last_activity = timezone.now()
    submission.save(update_fields=["state", "last_activity"])
    Event.objects.create(
        submission=submission,
        kind=Event.Kind.TRANSITION,
        actor=user,
        from_state=old_state,
        to_state=new_state,
        new={"action": action},
        comment=comment,
    )
    notify_next_actors(submission=submission, actor=user, action=action, comment=comment)
    return submission


NEXT_ACTOR_ROLE = {
    SubmissionState.DRAFT: Role.REPORTER,
    SubmissionState.AWAITING_IT_LEAD: Role.IT_LEAD,
    SubmissionState.AWAITING_LEADER: Role.LEADER,
    SubmissionState.EXPLANATION_AWAITING_LEADER: Role.LEADER,
}
AUTHORITY_STATES = frozenset(
    {SubmissionState.SUBMITTED, SubmissionState.UNDER_APPRAISAL, SubmissionState.FINAL_APPRAISAL}
)


def states_after(state: str) -> set[str]:
    """Every state the table can lead to from `state`."""
    found: set[str] = set()
    frontier = [state]
    while frontier:
        current = frontier.pop()
        for (source, _action), (target, _role) in TRANSITIONS.items():
            if source == current and target not in found:
                found.add(target)
                frontier.append(target)
    return found


def _codes(codes: list[str]) -> str:
    """At most 20 codes, then an ellipsis: a message names the leaves without flooding the page."""
    return ", ".join(codes[:20]) + (", …" if len(codes) > 20 else "")


def notify_next_actors(*, submission: Submission, actor: User, action: str, comment: str) -> None:
    """Tell whoever acts next (in-app, and by e-mail after commit) that the submission waits for them.

    The unit's people for its own steps (all of them when the authority hands back a result); the
    assigned appraiser when the submission is with the authority.
    """
    role = NEXT_ACTOR_ROLE.get(SubmissionState(submission.state))
    if submission.state in AUTHORITY_STATES:
        recipients = [submission.appraiser] if submission.appraiser and submission.appraiser.is_active else []
    elif role is None:
        recipients = list(submission.organisation.users.filter(is_active=True))
    else:
        recipients = [user for user in submission.organisation.users.filter(is_active=True) if user.has_role(role)]
    recipients = [user for user in recipients if user.pk != actor.pk]
    message = _("%(unit)s — %(campaign)s: %(state)s.") % {
        "unit": submission.organisation.short_name,
        "campaign": submission.campaign.name,
        "state": submission.get_state_display(),
    }
    if comment:
        message += " " + _("Ý kiến: %(comment)s") % {"comment": comment}
    notifications = Notification.objects.bulk_create(
        Notification(user=user, submission=submission, message=message) for user in recipients
    )
    if notifications:
        ids = [notification.pk for notification in notifications]

        def send_emails() -> None:
            send_notification_emails.delay(ids)

        # Robust: with the broker down the step is still taken and the notes are in the app; only
        # the e-mails are lost, and the failure is logged instead of failing the request.
        transaction.on_commit(send_emails, robust=True)


@transaction.atomic
def reopen_submission(*, submission_id: int, by: User, until: datetime.date, reason: str) -> Submission:
    """Let one unit edit again until a date after the entry deadline; logged with the reason."""
    if not by.has_role(Role.ADMIN):
        raise PermissionDenied(_("Chỉ quản trị viên được mở lại nhập liệu."))
    if not reason.strip():
        raise AnswerInvalid({"reason": _("Phải nêu lý do mở lại.")})
    submission = Submission.objects.select_for_update().get(pk=submission_id)
    if submission.state not in (
        SubmissionState.DRAFT,
        SubmissionState.AWAITING_IT_LEAD,
        SubmissionState.AWAITING_LEADER,
        SubmissionState.SUBMITTED,
        SubmissionState.UNDER_APPRAISAL,
    ):
        raise WorkflowError(_("Hồ sơ đã qua bước thẩm định, không mở lại nhập liệu được."))
    old_state = submission.state
    submission.reopened_until = until
    submission.state = SubmissionState.DRAFT
    submission.save(update_fields=["reopened_until", "state"])
    Event.objects.create(
        submission=submission,
        kind=Event.Kind.REOPENED,
        actor=by,
        from_state=old_state,
        to_state=submission.state,
        new={"until": until.isoformat()},
        comment=reason.strip(),
    )
    return submission


@transaction.atomic
def add_comment(*, submission_id: int, user: User, text: str) -> Event:
    """A remark on a submission by anyone of its unit (the provincial office included) or the authority."""
    submission = Submission.objects.visible_to(user).filter(pk=submission_id).first()
    if submission is None:
        raise PermissionDenied(_("Bạn không xem được hồ sơ này."))
    if not text.strip():
        raise AnswerInvalid({"comment": _("Ý kiến không được để trống.")})
    return Event.objects.create(submission=submission, kind=Event.Kind.COMMENT, actor=user, comment=text.strip())


class ImportRejected(Exception):
    """An uploaded template cannot be applied; `problems` names the row and column of each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


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
        raise PermissionDenied(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
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
            fields = _validated(answer.node, given)
        except AnswerInvalid as error:
            problems.extend(
                _("Dòng %(row)s, cột %(col)s (%(code)s): %(reason)s")
                % {"row": row.row, "col": column_letter(name), "code": answer.node.code, "reason": message}
                for name, message in error.errors.items()
            )
            continue
        before = answer.reported()
        after = {**before, **{name: value for name, value in fields.items() if name in before}}
        after = Answer(**{name: after[name] for name in ("value", "numerator", "denominator", "choice",
                                                           "explanation")}).reported()  # fmt: skip
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
