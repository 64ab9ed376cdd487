"""Workflow steps of the appraisal: decisions on leaves, the unit's replies, settling contested leaves,
the values the authority supplies (one by one, from a sheet, from the expert panel) and exclusions.

Like the entry steps: each is one function with keyword-only arguments, in one transaction, locking
the rows it changes and writing its history row in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from accounts.models import Organisation, Role, User, match_organisation
from common.formatting import format_number, parse_number
from common.spreadsheets import read_table
from indicators.models import Node

from .models import (
    VALUE_FIELDS,
    Action,
    Answer,
    Campaign,
    Decision,
    Event,
    Exclusion,
    Expert,
    ExpertScore,
    FinalDecision,
    StaleAnswerError,
    Submission,
    SubmissionState,
    WorkflowError,
)
from .services import AnswerInput, AnswerInvalid, ImportRejected, _validated, write_reported
from .signals import campaign_values_changed

APPRAISAL_STATES = (SubmissionState.SUBMITTED, SubmissionState.UNDER_APPRAISAL)


def _decision_record(answer: Answer, prefix: str, decision_field: str, reason_field: str) -> dict[str, Any]:
    """A decision with its value and reason, as plain data for the history."""
    record: dict[str, Any] = {"decision": getattr(answer, decision_field), "reason": getattr(answer, reason_field)}
    for name in VALUE_FIELDS:
        value = getattr(answer, prefix + name)
        record[name] = value if isinstance(value, str) else (None if value is None else format(value.normalize(), "f"))
    return record


def _adjusted_fields(node: Node, given: AnswerInput | None) -> dict[str, Any]:
    """Validate a new value for a leaf by its rule; the appraiser must give one."""
    fields = _validated(node, given or AnswerInput())
    fields.pop("explanation", None)
    if not any(fields.get(name) not in (None, "") for name in VALUE_FIELDS):
        raise AnswerInvalid({"value": _("Nhập giá trị điều chỉnh.")})
    return {name: fields.get(name, "" if name == "choice" else None) for name in VALUE_FIELDS}


def _lock_for_decision(answer_id: int) -> tuple[Submission, Answer]:
    answer = Answer.objects.only("submission_id").get(pk=answer_id)
    submission = (
        Submission.objects.select_for_update().select_related("campaign", "organisation").get(pk=answer.submission_id)
    )
    return submission, Answer.objects.select_for_update().select_related("node").get(pk=answer_id)


def _start_appraisal(submission: Submission, user: User) -> None:
    """The first decision on a submitted unit starts its appraisal, with the appraiser assigned."""
    if submission.state != SubmissionState.SUBMITTED:
        return
    submission.state = SubmissionState.UNDER_APPRAISAL
    submission.appraiser = submission.appraiser or user
    submission.last_activity = timezone.now()
    submission.save(update_fields=["state", "appraiser", "last_activity"])
    Event.objects.create(
        submission=submission,
        kind=Event.Kind.TRANSITION,
        actor=user,
        from_state=SubmissionState.SUBMITTED,
        to_state=SubmissionState.UNDER_APPRAISAL,
        new={"action": Action.START_APPRAISAL},
    )


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
    submission, answer = _lock_for_decision(answer_id)
    if not user.has_role(Role.APPRAISER):
        raise PermissionDenied(_("Chỉ cán bộ thẩm định được thẩm định số liệu."))
    if submission.state not in APPRAISAL_STATES:
        raise WorkflowError(
            _("Không thể thẩm định khi hồ sơ đang ở trạng thái “%(state)s”.")
            % {"state": submission.get_state_display()}
        )
    if answer.node.source != "self_report":
        raise WorkflowError(_("Chỉ số này do cơ quan đánh giá cung cấp: nhập giá trị, không thẩm định."))
    if expected_review_version is not None and answer.review_version != expected_review_version:
        raise StaleAnswerError(_("Chỉ số đã được cán bộ khác thẩm định – vui lòng tải lại"))
    reason = reason.strip()
    if decision not in Decision.values:
        raise AnswerInvalid({"decision": _("Kết luận phải là chấp nhận, điều chỉnh hoặc đề nghị giải trình.")})
    if decision in (Decision.ADJUST, Decision.QUESTION) and not reason:
        message = _("Phải nêu lý do điều chỉnh.") if decision == Decision.ADJUST else _("Nhập câu hỏi cho đơn vị.")
        raise AnswerInvalid({"reason": message})
    values = (
        _adjusted_fields(answer.node, given)
        if decision == Decision.ADJUST
        else {name: "" if name == "choice" else None for name in VALUE_FIELDS}
    )
    _start_appraisal(submission, user)
    _mark_reviewed(answer, user)
    _record_decision(submission=submission, answer=answer, user=user, stage="appraised", decision=decision,
                     reason=reason, values=values)  # fmt: skip
    return answer


def _record_decision(
    *, submission: Submission, answer: Answer, user: User, stage: str, decision: str, reason: str,
    values: dict[str, Any],
) -> None:  # fmt: skip
    """Store a decision at a stage ("appraised" or "final") with its values and reason, write its history
    row (before and after) and let scoring know."""
    prefix, decision_field, reason_field, kind = {
        "appraised": ("appraised_", "appraisal_decision", "appraisal_reason", Event.Kind.APPRAISAL),
        "final": ("final_", "final_decision", "final_reason", Event.Kind.SETTLED),
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
    if not user.has_role(Role.APPRAISER):
        raise PermissionDenied(_("Chỉ cán bộ thẩm định được thẩm định số liệu."))
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
        .filter(node__source="self_report", appraisal_decision="")
        .select_related("node")
        if section_key is None or answer.node.main_index(nodes).key == section_key
    ]
    if not answers:
        return 0
    _start_appraisal(submission, user)
    for answer in answers:
        answer.appraisal_decision = Decision.ACCEPT
        _mark_reviewed(answer, user)
    Answer.objects.bulk_update(
        answers, ["appraisal_decision", "appraised_by", "appraised_at", "reviewed_report", "review_version"]
    )
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
    """The unit's explanation of an adjusted or questioned leaf, during the explanation round."""
    submission, answer = _lock_for_decision(answer_id)
    if not submission.can_explain(user):
        raise PermissionDenied(_("Chỉ chuyên viên của đơn vị được giải trình, trong thời gian giải trình."))
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
    submission, answer = _lock_for_decision(answer_id)
    if not user.has_role(Role.APPRAISER):
        raise PermissionDenied(_("Chỉ cán bộ thẩm định được thẩm định số liệu."))
    if submission.state != SubmissionState.FINAL_APPRAISAL:
        raise WorkflowError(
            _("Chỉ kết luận sau giải trình khi hồ sơ đang thẩm định lại; hiện hồ sơ “%(state)s”.")
            % {"state": submission.get_state_display()}
        )
    if not answer.is_contested():
        raise WorkflowError(_("Chỉ số này không bị điều chỉnh hay đề nghị giải trình."))
    if expected_review_version is not None and answer.review_version != expected_review_version:
        raise StaleAnswerError(_("Chỉ số đã được cán bộ khác thẩm định – vui lòng tải lại"))
    reason = reason.strip()
    if decision not in FinalDecision.values:
        raise AnswerInvalid({"decision": _("Kết luận phải là giữ kết quả thẩm định hoặc điều chỉnh lại.")})
    if decision == FinalDecision.REVISE and not reason:
        raise AnswerInvalid({"reason": _("Phải nêu lý do điều chỉnh.")})
    values = (
        _adjusted_fields(answer.node, given)
        if decision == FinalDecision.REVISE
        else {name: "" if name == "choice" else None for name in VALUE_FIELDS}
    )
    answer.review_version += 1
    _record_decision(submission=submission, answer=answer, user=user, stage="final", decision=decision,
                     reason=reason, values=values)  # fmt: skip
    return answer


@transaction.atomic
def assign_appraiser(*, submission_ids: list[int], appraiser: User | None, by: User) -> int:
    """Give submissions to an appraiser (or take them back with None); returns how many changed."""
    if not (by.has_role(Role.APPRAISER) or by.has_role(Role.ADMIN)):
        raise PermissionDenied(_("Chỉ cơ quan đánh giá được phân công thẩm định."))
    if appraiser is not None and not appraiser.has_role(Role.APPRAISER):
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


# Values the authority supplies: monitoring systems, the survey, cyberspace and the expert panel.


def _check_supplier(submission: Submission, answer: Answer, user: User) -> None:
    if not user.has_role(Role.APPRAISER):
        raise PermissionDenied(_("Chỉ cán bộ thẩm định được nhập số liệu do cơ quan đánh giá cung cấp."))
    if answer.node.source == "self_report":
        raise WorkflowError(_("Chỉ số %(code)s do đơn vị tự báo cáo.") % {"code": answer.node.code})
    if not submission.can_supply_values(user):
        raise WorkflowError(_("Kết quả của đơn vị đã chốt; không nhập thêm số liệu được."))


@transaction.atomic
def set_authority_value(*, answer_id: int, user: User, given: AnswerInput) -> Answer:
    """Enter one authority-sourced value (monitored, survey, cyberspace, expert) for one unit."""
    submission, answer = _lock_for_decision(answer_id)
    _check_supplier(submission, answer, user)
    fields = _validated(answer.node, given)
    fields.pop("explanation", None)
    if write_reported(
        submission=submission, answer=answer, user=user, fields=fields, kind=Event.Kind.AUTHORITY_VALUE, note={}
    ):
        campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return answer


@dataclass
class AuthorityChange:
    row: int
    organisation: str
    code: str
    before: str | None
    after: str


def authority_leaves(campaign: Campaign) -> list[Node]:
    """The campaign's leaves whose values the authority supplies, in framework order."""
    return list(
        campaign.framework.nodes.filter(children=None).exclude(source__in=["", "self_report"]).order_by("order")
    )


@transaction.atomic
def import_authority_values(
    *, campaign_id: int, user: User, content: bytes, filename: str, apply: bool
) -> list[AuthorityChange]:
    """Read one sheet of authority values for a whole campaign and, when `apply`, save every change.

    The sheet: column A names the unit (code, or the name as printed); the header row names a leaf
    per column (its key or printed code); an empty cell leaves the value as it is. All or nothing:
    any unknown unit, unknown leaf or bad number raises ImportRejected naming the row and column,
    and nothing is saved.
    """
    if not user.has_role(Role.APPRAISER):
        raise PermissionDenied(_("Chỉ cán bộ thẩm định được nhập số liệu do cơ quan đánh giá cung cấp."))
    campaign = Campaign.objects.select_related("framework").get(pk=campaign_id)
    table = read_table(content, filename)
    if len(table) < 2:
        raise ImportRejected([_("Tệp không có dữ liệu: cần một dòng tiêu đề và ít nhất một dòng đơn vị.")])
    leaves = authority_leaves(campaign)
    by_key = {leaf.key: leaf for leaf in leaves}
    code_counts = Counter(leaf.code for leaf in leaves)
    by_code = {leaf.code: leaf for leaf in leaves if code_counts[leaf.code] == 1}
    reported = set(campaign.framework.nodes.filter(source="self_report").values_list("key", flat=True))
    problems: list[str] = []
    columns: dict[int, Node] = {}
    for position, title in enumerate(table[0][1:], start=1):
        title = title.strip()
        if not title:
            continue
        leaf = by_key.get(title) or by_code.get(title)
        if leaf is None:
            message = (
                _("chỉ số “%(title)s” do đơn vị tự báo cáo, không nhập ở đây.")
                if title in reported
                else _("không có chỉ số “%(title)s” do cơ quan đánh giá cung cấp trong bộ chỉ số.")
            )
            problems.append(
                _("Dòng 1, cột %(col)s: %(message)s")
                % {"col": get_column_letter(position + 1), "message": message % {"title": title}}
            )
            continue
        columns[position] = leaf
    submissions = {
        submission.organisation_id: submission
        for submission in Submission.objects.filter(campaign=campaign).select_related("organisation")
    }
    index = Organisation.objects.filter(pk__in=submissions).name_index()
    answers = {
        (answer.submission_id, answer.node_id): answer
        for answer in Answer.objects.select_for_update()
        .filter(submission__campaign=campaign, node__in=[leaf.pk for leaf in leaves])
        .select_related("node")
    }
    planned: list[tuple[AuthorityChange, Submission, Answer, dict[str, Any]]] = []
    seen: dict[int, int] = {}
    for number, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        name = row[0].strip() if row else ""
        organisation = match_organisation(index, name)
        if organisation is None:
            problems.append(
                _("Dòng %(row)s, cột A: không có đơn vị “%(name)s” trong đợt đánh giá.") % {"row": number, "name": name}
            )
            continue
        if organisation.pk in seen:
            problems.append(
                _("Dòng %(row)s, cột A: đơn vị “%(name)s” đã có ở dòng %(first)s.")
                % {"row": number, "name": name, "first": seen[organisation.pk]}
            )
            continue
        seen[organisation.pk] = number
        submission = submissions[organisation.pk]
        for position, leaf in columns.items():
            text = row[position].strip() if position < len(row) else ""
            if not text:
                continue
            place = _("Dòng %(row)s, cột %(col)s (%(code)s)") % {
                "row": number,
                "col": get_column_letter(position + 1),
                "code": leaf.key,
            }
            try:
                number_value = parse_number(text)
            except ValidationError:
                number_value = None
            if number_value is None:
                problems.append(_("%(place)s: “%(text)s” không phải là số.") % {"place": place, "text": text})
                continue
            try:
                fields = _validated(leaf, AnswerInput(value=number_value))
            except AnswerInvalid as error:
                problems.extend(f"{place}: {message}" for message in error.errors.values())
                continue
            if submission.state in (SubmissionState.FINALISED, SubmissionState.PUBLISHED):
                problems.append(_("%(place)s: kết quả của đơn vị đã chốt.") % {"place": place})
                continue
            answer = answers[(submission.pk, leaf.pk)]
            if answer.value == fields["value"]:
                continue
            change = AuthorityChange(
                row=number,
                organisation=organisation.short_name,
                code=leaf.key,
                before=None if answer.value is None else format(answer.value.normalize(), "f"),
                after=format(fields["value"].normalize(), "f"),
            )
            planned.append((change, submission, answer, fields))
    if problems:
        raise ImportRejected(problems)
    if apply and planned:
        for _change, submission, answer, fields in planned:
            write_reported(
                submission=submission,
                answer=answer,
                user=user,
                fields=fields,
                kind=Event.Kind.AUTHORITY_VALUE,
                note={"import": filename[:200]},
            )
        campaign_values_changed.send(sender=Answer, campaign_id=campaign.pk)
    return [change for change, *_rest in planned]


# The expert panel (seed 004 §3).

PANEL_SIZE = (15, 20)
PANEL_SHARES = {
    Expert.Category.RETIRED_LEADER: Decimal("0.4"),
    Expert.Category.OFFICIAL: Decimal("0.3"),
    Expert.Category.BUSINESS: Decimal("0.3"),
}


@dataclass
class ExpertInput:
    name: str
    category: str
    position: str = ""
    scores: dict[str, Decimal] = field(default_factory=dict)


def panel_warnings(experts: list[ExpertInput] | list[Expert]) -> list[str]:
    """Where the panel departs from seed 004 §3 (15–20 experts; 40 % retired leaders, 30 % serving
    officials, 30 % business leaders, each within one person of its share). Warnings, not errors."""
    warnings = []
    total = len(experts)
    if not PANEL_SIZE[0] <= total <= PANEL_SIZE[1]:
        warnings.append(
            _("Hội đồng có %(count)s chuyên gia; hướng dẫn là khoảng %(low)s–%(high)s người.")
            % {"count": total, "low": PANEL_SIZE[0], "high": PANEL_SIZE[1]}
        )
    counts = Counter(expert.category for expert in experts)
    for category, share in PANEL_SHARES.items():
        expected = share * total
        if total and abs(counts[category] - expected) > 1:
            warnings.append(
                _("Nhóm “%(category)s”: %(count)s người, hướng dẫn là %(share)s%% (khoảng %(expected)s người).")
                % {
                    "category": Expert.Category(category).label,
                    "count": counts[category],
                    "share": int(share * 100),
                    "expected": format_number(expected.quantize(Decimal("0.1")).normalize()),
                }
            )
    return warnings


def expert_leaves(submission: Submission) -> list[Node]:
    return list(submission.campaign.framework.nodes.filter(children=None, source="expert").order_by("order"))


@transaction.atomic
def save_expert_panel(*, submission_id: int, user: User, experts: list[ExpertInput]) -> list[str]:
    """Replace a unit's expert panel and scores; each expert leaf's value becomes the mean of its scores.

    Returns the composition warnings. Raises AnswerInvalid (keyed "expert-<n>-<leaf key>") for a
    score outside 0..max or an expert without a name or category; nothing is saved then.
    """
    submission = Submission.objects.select_for_update().select_related("campaign__framework").get(pk=submission_id)
    leaves = {leaf.key: leaf for leaf in expert_leaves(submission)}
    answers = {
        answer.node.key: answer
        for answer in submission.answers.select_for_update().filter(node__in=leaves.values()).select_related("node")
    }
    if answers:
        _check_supplier(submission, next(iter(answers.values())), user)
    elif not user.has_role(Role.APPRAISER):
        raise PermissionDenied(_("Chỉ cán bộ thẩm định được nhập số liệu do cơ quan đánh giá cung cấp."))
    errors: dict[str, str] = {}
    for number, expert in enumerate(experts, start=1):
        if not expert.name.strip():
            errors[f"expert-{number}-name"] = _("Chuyên gia thứ %(n)s: nhập họ tên.") % {"n": number}
        if expert.category not in Expert.Category.values:
            errors[f"expert-{number}-category"] = _("Chuyên gia thứ %(n)s: chọn nhóm.") % {"n": number}
        for key, score in expert.scores.items():
            leaf = leaves.get(key)
            if leaf is None:
                errors[f"expert-{number}-{key}"] = _("Không có chỉ số chuyên gia “%(key)s”.") % {"key": key}
            elif not Decimal(0) <= score <= (leaf.max_points or Decimal(0)):
                errors[f"expert-{number}-{key}"] = _("Chuyên gia thứ %(n)s, %(code)s: điểm phải từ 0 đến %(max)s.") % {
                    "n": number,
                    "code": leaf.code,
                    "max": format_number(leaf.max_points or Decimal(0)),
                }
    if errors:
        raise AnswerInvalid(errors)
    submission.experts.all().delete()
    saved = Expert.objects.bulk_create(
        Expert(submission=submission, name=expert.name.strip(), category=expert.category,
               position=expert.position.strip(), order=number)
        for number, expert in enumerate(experts, start=1)
    )  # fmt: skip
    ExpertScore.objects.bulk_create(
        ExpertScore(expert=row, node=leaves[key], score=score)
        for row, expert in zip(saved, experts, strict=True)
        for key, score in expert.scores.items()
    )
    changed = False
    for key, answer in answers.items():
        scores = [expert.scores[key] for expert in experts if key in expert.scores]
        mean = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.000001")) if scores else None
        changed |= write_reported(
            submission=submission,
            answer=answer,
            user=user,
            fields={"value": mean},
            kind=Event.Kind.EXPERT_PANEL,
            note={"experts": len(scores)},
        )
    if not changed:
        Event.objects.create(
            submission=submission, kind=Event.Kind.EXPERT_PANEL, actor=user, new={"experts": len(experts)}
        )
    else:
        campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return panel_warnings(experts)


# Coverage and exclusions.


@dataclass
class LeafCoverage:
    node: Node
    reported: int
    units: int
    exclusion: Exclusion | None

    @property
    def share(self) -> Decimal:
        return Decimal(self.reported) / Decimal(self.units) if self.units else Decimal(0)

    @property
    def proposed(self) -> bool:
        """Seed 001's rule: a leaf fewer than half the units could report is proposed for exclusion."""
        return self.exclusion is None and self.share < Decimal("0.5")


def leaf_coverage(campaign: Campaign) -> list[LeafCoverage]:
    """Per self-reported leaf, how many of the campaign's units reported it; three queries."""
    answered = Q(answers__value__isnull=False) | Q(answers__numerator__isnull=False) | ~Q(answers__choice="")
    scope = Q(answers__submission__campaign=campaign)
    leaves = (
        campaign.framework.nodes.filter(children=None, source="self_report")
        .annotate(reported=Count("answers", filter=scope & answered), units=Count("answers", filter=scope))
        .order_by("order")
    )
    exclusions = {exclusion.node_id: exclusion for exclusion in campaign.exclusions.active()}
    return [LeafCoverage(leaf, leaf.reported, leaf.units, exclusions.get(leaf.pk)) for leaf in leaves]


@transaction.atomic
def exclude_leaf(*, campaign_id: int, node_id: int, by: User, reason: str) -> Exclusion:
    """Take a leaf out of a campaign for every unit: out of every score and every max."""
    if not by.has_role(Role.ADMIN):
        raise PermissionDenied(_("Chỉ quản trị viên được loại chỉ số khỏi đánh giá."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.state == Campaign.State.PUBLISHED:
        raise WorkflowError(_("Đợt đánh giá đã công bố; không thay đổi được."))
    reason = reason.strip()
    if not reason:
        raise AnswerInvalid({"reason": _("Phải nêu lý do loại chỉ số.")})
    node = campaign.framework.nodes.filter(pk=node_id, children=None).first()
    if node is None:
        raise WorkflowError(_("Chỉ loại được chỉ số lá của bộ chỉ số của đợt đánh giá."))
    if campaign.exclusions.active().filter(node=node).exists():
        raise WorkflowError(_("Chỉ số %(code)s đã bị loại.") % {"code": node.code})
    coverage = next((item for item in leaf_coverage(campaign) if item.node.pk == node.pk), None)
    exclusion = Exclusion.objects.create(
        campaign=campaign,
        node=node,
        reason=reason,
        coverage=coverage.share.quantize(Decimal("0.0001")) if coverage else None,
        created_by=by,
    )
    campaign_values_changed.send(sender=Exclusion, campaign_id=campaign.pk)
    return exclusion


@transaction.atomic
def revoke_exclusion(*, exclusion_id: int, by: User, reason: str) -> Exclusion:
    """Count an excluded leaf again; the exclusion stays on record with why it was revoked."""
    if not by.has_role(Role.ADMIN):
        raise PermissionDenied(_("Chỉ quản trị viên được loại chỉ số khỏi đánh giá."))
    exclusion = Exclusion.objects.select_for_update().select_related("campaign").get(pk=exclusion_id)
    if exclusion.campaign.state == Campaign.State.PUBLISHED:
        raise WorkflowError(_("Đợt đánh giá đã công bố; không thay đổi được."))
    if not reason.strip():
        raise AnswerInvalid({"reason": _("Phải nêu lý do.")})
    if exclusion.revoked_at is None:
        exclusion.revoked_at, exclusion.revoked_by, exclusion.revoke_reason = timezone.now(), by, reason.strip()
        exclusion.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        campaign_values_changed.send(sender=Exclusion, campaign_id=exclusion.campaign_id)
    return exclusion
