"""The appraisal: decisions on leaves, the unit's replies, settling contested leaves, assignment.

Like the entry steps: each is one function with keyword-only arguments, in one transaction, locking
the rows it changes and writing its history row in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from common.errors import Forbidden, LeafErrors, StaleLeaves, WorkflowError
from common.vocabulary import Stage
from indicators.models import Node

from ..errors import AnswerInvalid, StaleAnswerError
from ..models import (
    APPRAISAL_STATES,
    VALUE_FIELDS,
    Action,
    Answer,
    Decision,
    Event,
    FinalDecision,
    Submission,
    SubmissionState,
)
from ..signals import campaign_values_changed
from .entry import AnswerInput, validate_answer
from .locks import lock_answer, lock_submission, locked_answers
from .workflow import apply_transition


def check_appraiser(user: User) -> None:
    """Only the authority's appraisers decide on a unit's leaves."""
    if not user.is_appraiser:
        raise Forbidden(_("Chỉ cán bộ thẩm định được thẩm định số liệu."))


def _decision_record(answer: Answer, prefix: str, decision_field: str, reason_field: str) -> dict[str, Any]:
    """A decision with its value and reason, as plain data for the history."""
    record: dict[str, Any] = {"decision": getattr(answer, decision_field), "reason": getattr(answer, reason_field)}
    for name in VALUE_FIELDS:
        value = getattr(answer, prefix + name)
        record[name] = value if isinstance(value, str) else (None if value is None else format(value.normalize(), "f"))
    return record


def _adjusted_fields(node: Node, given: AnswerInput | None) -> dict[str, Any]:
    """Validate a new value for a leaf by its rule; the appraiser must give one."""
    fields = validate_answer(node, given or AnswerInput())
    fields.pop("explanation", None)
    if not any(fields.get(name) not in (None, "") for name in VALUE_FIELDS):
        raise AnswerInvalid({"value": _("Nhập giá trị điều chỉnh.")})
    return {name: fields.get(name, "" if name == "choice" else None) for name in VALUE_FIELDS}


def _decision_values(node: Node, given: AnswerInput | None, *, with_new_value: bool) -> dict[str, Any]:
    """The value fields a decision stores: the validated new value of an adjustment or a revision, or
    none at all (the leaf then counts with the value before it)."""
    if with_new_value:
        return _adjusted_fields(node, given)
    return {name: "" if name == "choice" else None for name in VALUE_FIELDS}


def _start_appraisal(submission: Submission, user: User) -> None:
    """The first decision on a submitted unit starts its appraisal, with the appraiser assigned."""
    if submission.state == SubmissionState.SUBMITTED:
        apply_transition(
            submission=submission,
            user=user,
            action=Action.START_APPRAISAL,
            changes={"appraiser": submission.appraiser or user},
        )


def _check_appraisal_state(submission: Submission) -> None:
    if submission.state not in APPRAISAL_STATES:
        raise WorkflowError(
            _("Không thể thẩm định khi hồ sơ đang ở trạng thái “%(state)s”.")
            % {"state": submission.get_state_display()}
        )


def _checked_appraisal(
    answer: Answer, *, decision: str, reason: str, given: AnswerInput | None, expected_review_version: int | None
) -> dict[str, Any]:
    """The value fields an appraisal decision on a leaf stores, once the leaf, the version, the decision
    and its reason are checked; raises WorkflowError, StaleAnswerError or AnswerInvalid."""
    if answer.node.source != Node.Source.SELF_REPORT:
        raise WorkflowError(_("Chỉ số này do cơ quan đánh giá cung cấp: nhập giá trị, không thẩm định."))
    if expected_review_version is not None and answer.review_version != expected_review_version:
        raise StaleAnswerError(_("Chỉ số đã được cán bộ khác thẩm định – vui lòng tải lại"))
    if decision not in Decision.values:
        raise AnswerInvalid({"decision": _("Kết luận phải là chấp nhận, điều chỉnh hoặc đề nghị giải trình.")})
    if decision in (Decision.ADJUST, Decision.QUESTION) and not reason:
        message = _("Phải nêu lý do điều chỉnh.") if decision == Decision.ADJUST else _("Nhập câu hỏi cho đơn vị.")
        raise AnswerInvalid({"reason": message})
    return _decision_values(answer.node, given, with_new_value=decision == Decision.ADJUST)


@transaction.atomic
def appraise_answer(
    *,
    answer_id: int,
    user: User,
    decision: str,
    reason: str = "",
    given: AnswerInput | None = None,
    expected_review_version: int | None = None,
) -> Answer:
    """Record an appraiser's decision on one self-reported leaf: accept, adjust (new value + reason) or
    ask a question (the reason is the question).

    Raises PermissionDenied for anyone but an appraiser, WorkflowError outside the appraisal,
    AnswerInvalid for a missing reason or value, StaleAnswerError when another appraiser decided
    on the leaf since `expected_review_version`.
    """
    submission, answer = lock_answer(answer_id)
    check_appraiser(user)
    _check_appraisal_state(submission)
    reason = reason.strip()
    values = _checked_appraisal(
        answer, decision=decision, reason=reason, given=given, expected_review_version=expected_review_version
    )
    _start_appraisal(submission, user)
    _mark_reviewed(answer, user)
    _record_decision(
        submission=submission,
        answer=answer,
        user=user,
        stage=Stage.APPRAISED,
        decision=decision,
        reason=reason,
        values=values,
    )
    return answer


def _record_decision(
    *,
    submission: Submission,
    answer: Answer,
    user: User,
    stage: Stage,
    decision: str,
    reason: str,
    values: dict[str, Any],
    notify: bool = True,
) -> None:
    """Store a decision at a stage (appraised or final) with its values and reason, write its history
    row (before and after) and let scoring know (unless `notify` is off: a bulk decision tells it once)."""
    prefix, decision_field, reason_field, kind = {
        Stage.APPRAISED: ("appraised_", "appraisal_decision", "appraisal_reason", Event.Kind.APPRAISAL),
        Stage.FINAL: ("final_", "final_decision", "final_reason", Event.Kind.SETTLED),
    }[stage]
    before = _decision_record(answer, prefix, decision_field, reason_field)
    setattr(answer, decision_field, decision)
    setattr(answer, reason_field, reason)
    for name, value in values.items():
        setattr(answer, prefix + name, value)
    answer.save()
    Event.objects.create(
        submission=submission,
        answer=answer,
        kind=kind,
        actor=user,
        old=before,
        new=_decision_record(answer, prefix, decision_field, reason_field),
        comment=reason,
    )
    if notify:
        campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)


def _mark_reviewed(answer: Answer, user: User) -> None:
    answer.appraised_by = user
    answer.appraised_at = timezone.now()
    answer.reviewed_report = answer.reported()
    answer.review_version += 1


@transaction.atomic
def accept_undecided(*, submission_id: int, user: User, section_key: str | None = None) -> int:
    """Accept, in one step, every self-reported leaf of a section (or of the whole submission) that has
    no decision yet. Returns how many were accepted; each gets its own history row."""
    check_appraiser(user)
    submission = Submission.objects.select_for_update().select_related("campaign").get(pk=submission_id)
    if submission.state not in APPRAISAL_STATES:
        raise WorkflowError(
            _("Không thể thẩm định khi hồ sơ đang ở trạng thái “%(state)s”.")
            % {"state": submission.get_state_display()}
        )
    nodes = {node.pk: node for node in submission.campaign.framework.nodes.all()}
    answers = [
        answer
        for answer in submission.answers.select_for_update()
        .reported_by_unit()
        .filter(appraisal_decision="")
        .select_related("node")
        if section_key is None or answer.node.main_index(nodes).key == section_key
    ]
    if not answers:
        return 0
    _start_appraisal(submission, user)
    for answer in answers:
        answer.appraisal_decision = Decision.ACCEPT
        _mark_reviewed(answer, user)
        # One UPDATE per leaf: bulk_update's CASE over a submission's leaves costs ten times more to build.
        answer.save(update_fields=["appraisal_decision", "appraised_by", "appraised_at", "reviewed_report",
                                   "review_version"])  # fmt: skip
    Event.objects.bulk_create(
        Event(
            submission=submission,
            answer=answer,
            kind=Event.Kind.APPRAISAL,
            actor=user,
            new={"decision": Decision.ACCEPT, "bulk": True},
        )
        for answer in answers
    )
    campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return len(answers)


@transaction.atomic
def reply_to_appraisal(*, answer_id: int, user: User, reply: str) -> Answer:
    """The unit's explanation of an adjusted or questioned leaf, during the explanation round.

    Raises Forbidden for anyone but the unit's reporter, WorkflowError outside the explanation round
    or on a leaf the appraisal did not contest, AnswerInvalid for an empty reply.
    """
    submission, answer = lock_answer(answer_id)
    if not (user.has_role(Role.REPORTER) and submission.is_own_unit(user)):
        raise Forbidden(_("Chỉ chuyên viên của đơn vị được giải trình, trong thời gian giải trình."))
    if not submission.can_explain(user):
        # The reporter's step, at the wrong time: a matter of state.
        raise WorkflowError(
            _("Chỉ giải trình trong thời gian giải trình; hiện hồ sơ “%(state)s”.")
            % {"state": submission.get_state_display()}
        )
    if not answer.is_contested():
        raise WorkflowError(_("Chỉ số này không bị điều chỉnh hay đề nghị giải trình."))
    reply = reply.strip()
    if not reply:
        raise AnswerInvalid({"reply": _("Nội dung giải trình không được để trống.")})
    before = answer.explanation_reply
    answer.explanation_reply = reply
    answer.replied_by = user
    answer.replied_at = timezone.now()
    answer.save(update_fields=["explanation_reply", "replied_by", "replied_at"])
    Event.objects.create(
        submission=submission,
        answer=answer,
        kind=Event.Kind.REPLY,
        actor=user,
        old={"reply": before},
        new={"reply": reply},
        comment=reply,
    )
    Submission.objects.filter(pk=submission.pk).update(last_activity=answer.replied_at)
    return answer


def _check_settlement_state(submission: Submission) -> None:
    if submission.state != SubmissionState.FINAL_APPRAISAL:
        raise WorkflowError(
            _("Chỉ kết luận sau giải trình khi hồ sơ đang thẩm định lại; hiện hồ sơ “%(state)s”.")
            % {"state": submission.get_state_display()}
        )


def _checked_settlement(
    answer: Answer, *, decision: str, reason: str, given: AnswerInput | None, expected_review_version: int | None
) -> dict[str, Any]:
    """The value fields settling a contested leaf stores, once the leaf, the version, the decision and
    its reason are checked; raises WorkflowError, StaleAnswerError or AnswerInvalid."""
    if not answer.is_contested():
        raise WorkflowError(_("Chỉ số này không bị điều chỉnh hay đề nghị giải trình."))
    if expected_review_version is not None and answer.review_version != expected_review_version:
        raise StaleAnswerError(_("Chỉ số đã được cán bộ khác thẩm định – vui lòng tải lại"))
    if decision not in FinalDecision.values:
        raise AnswerInvalid({"decision": _("Kết luận phải là giữ kết quả thẩm định hoặc điều chỉnh lại.")})
    if decision == FinalDecision.REVISE and not reason:
        raise AnswerInvalid({"reason": _("Phải nêu lý do điều chỉnh.")})
    return _decision_values(answer.node, given, with_new_value=decision == FinalDecision.REVISE)


@transaction.atomic
def settle_answer(
    *,
    answer_id: int,
    user: User,
    decision: str,
    reason: str = "",
    given: AnswerInput | None = None,
    expected_review_version: int | None = None,
) -> Answer:
    """After the explanation, settle a contested leaf: keep the appraisal, or revise it with a new value
    and a reason (the unit's reported value, when the explanation convinced)."""
    submission, answer = lock_answer(answer_id)
    check_appraiser(user)
    _check_settlement_state(submission)
    reason = reason.strip()
    values = _checked_settlement(
        answer, decision=decision, reason=reason, given=given, expected_review_version=expected_review_version
    )
    answer.review_version += 1
    _record_decision(
        submission=submission,
        answer=answer,
        user=user,
        stage=Stage.FINAL,
        decision=decision,
        reason=reason,
        values=values,
    )
    return answer


@dataclass
class LeafDecision:
    """One leaf of a bulk appraisal, by its key: the decision (an appraisal's, or a settlement's after
    the explanation round), its reason and new value, and the review_version the appraiser read."""

    key: str
    decision: str
    reason: str = ""
    given: AnswerInput | None = None
    expected_review_version: int | None = None

    @property
    def stage(self) -> Stage:
        return Stage.FINAL if self.decision in FinalDecision.values else Stage.APPRAISED


@transaction.atomic
def decide_answers(*, submission_id: int, user: User, decisions: list[LeafDecision]) -> dict[str, Answer]:
    """Record an appraiser's decisions on many leaves at once, all or nothing, as `appraise_answer` and
    `settle_answer` record each one: every leaf is checked first; any refused leaf (LeafErrors, every
    refused leaf's errors by field) or one decided by someone else since its review_version
    (StaleLeaves) refuses the whole request. Scoring hears of the new values once. Returns the
    decided answers by key."""
    check_appraiser(user)
    submission = lock_submission(submission_id)
    for stage in {decision.stage for decision in decisions}:
        (_check_settlement_state if stage == Stage.FINAL else _check_appraisal_state)(submission)
    keys = [decision.key for decision in decisions]
    locked = {answer.node.key: answer for answer in locked_answers().filter(submission=submission, node__key__in=keys)}
    errors: dict[str, dict[str, str]] = {}
    stale: list[str] = []
    planned: list[tuple[LeafDecision, Answer, str, dict[str, Any]]] = []
    for decision in decisions:
        answer = locked.get(decision.key)
        if answer is None:
            errors[decision.key] = {
                "leaf": _("Không có chỉ số “%(key)s” trong bộ chỉ số của hồ sơ.") % {"key": decision.key}
            }
            continue
        check = _checked_settlement if decision.stage == Stage.FINAL else _checked_appraisal
        reason = decision.reason.strip()
        try:
            values = check(answer, decision=decision.decision, reason=reason, given=decision.given,
                           expected_review_version=decision.expected_review_version)  # fmt: skip
        except StaleAnswerError:
            stale.append(decision.key)
            continue
        except AnswerInvalid as error:
            errors[decision.key] = error.errors
            continue
        except WorkflowError as error:
            errors[decision.key] = {"decision": str(error)}
            continue
        planned.append((decision, answer, reason, values))
    if errors:
        raise LeafErrors(errors)
    if stale:
        raise StaleLeaves(
            _("%(count)s chỉ số đã được cán bộ khác thẩm định – vui lòng tải lại.") % {"count": len(stale)},
            leaves=stale,
        )
    if any(decision.stage == Stage.APPRAISED for decision in decisions):
        _start_appraisal(submission, user)
    for decision, answer, reason, values in planned:
        if decision.stage == Stage.APPRAISED:
            _mark_reviewed(answer, user)
        else:
            answer.review_version += 1
        _record_decision(submission=submission, answer=answer, user=user, stage=decision.stage,
                         decision=decision.decision, reason=reason, values=values, notify=False)  # fmt: skip
    if planned:
        campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return {key: locked[key] for key in keys}


@transaction.atomic
def assign_appraiser(*, submission_ids: list[int], appraiser: User | None, by: User) -> int:
    """Give submissions to an appraiser (or take them back with None); returns how many changed."""
    if not by.is_authority:
        raise Forbidden(_("Chỉ cơ quan đánh giá được phân công thẩm định."))
    if appraiser is not None and not appraiser.is_appraiser:
        raise AnswerInvalid({"appraiser": _("Người được phân công phải là cán bộ thẩm định.")})
    changed = 0
    for submission in Submission.objects.select_for_update().filter(pk__in=submission_ids).order_by("pk"):
        if submission.appraiser_id == (appraiser.pk if appraiser else None):
            continue
        Event.objects.create(
            submission=submission,
            kind=Event.Kind.ASSIGNED,
            actor=by,
            old={"appraiser": submission.appraiser.username if submission.appraiser else None},
            new={"appraiser": appraiser.username if appraiser else None},
        )
        submission.appraiser = appraiser
        submission.save(update_fields=["appraiser"])
        changed += 1
    return changed
