"""Campaigns, submissions and answers: a unit's figures for one assessment year, and their history.

A submission moves through one explicit table of transitions; every change of an answer, every
evidence file and every transition leaves an append-only event in the same transaction.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import UNIT_ROLES, Organisation, Role, User
from common.errors import Forbidden, WorkflowError
from common.rules import points_lost
from common.vocabulary import Stage
from indicators.models import Framework, Node
from indicators.rules import Rule, local_score

from .signatures import SignatureProblem


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def running(self) -> CampaignQuerySet:
        """The open campaigns, newest first (by year, then by when they were opened)."""
        return self.filter(state=Campaign.State.OPEN).order_by("-year", "-opened_at", "-pk")


class Campaign(models.Model):
    """One assessment year at one level: its framework, its peer groups and its dated phases."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang chuẩn bị")
        OPEN = "open", _("Đang thực hiện")
        PUBLISHED = "published", _("Đã công bố")

    name = models.CharField(_("tên"), max_length=200)
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    level = models.CharField(_("cấp"), max_length=16, choices=Organisation.Level.choices)
    framework = models.ForeignKey(Framework, verbose_name=_("bộ chỉ số"), on_delete=models.PROTECT)
    is_trial = models.BooleanField(
        _("chạy thử"), default=False, help_text=_("Cho phép dùng bộ chỉ số chưa qua kiểm tra tính toàn vẹn.")
    )
    groups = models.JSONField(_("nhóm đánh giá"), default=list, help_text=_("Nhóm xếp hạng được đánh giá."))
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.DRAFT)
    entry_opens = models.DateField(_("bắt đầu nhập số liệu"))
    entry_closes = models.DateField(_("hạn nhập số liệu"))
    appraisal_closes = models.DateField(_("hạn thẩm định"))
    explanation_closes = models.DateField(_("hạn giải trình"))
    final_appraisal_closes = models.DateField(_("hạn thẩm định lại"))
    publication_date = models.DateField(_("ngày công bố dự kiến"))
    opened_at = models.DateTimeField(_("mở lúc"), null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "level"]
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=Q(entry_opens__lte=models.F("entry_closes"))
                & Q(entry_closes__lte=models.F("appraisal_closes"))
                & Q(appraisal_closes__lte=models.F("explanation_closes"))
                & Q(explanation_closes__lte=models.F("final_appraisal_closes"))
                & Q(final_appraisal_closes__lte=models.F("publication_date")),
                name="campaign_phases_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def entry_is_open(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.state == self.State.OPEN and self.entry_opens <= today <= self.entry_closes

    def days_to_entry_deadline(self, today: datetime.date | None = None) -> int:
        return (self.entry_closes - (today or timezone.localdate())).days


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Đang nhập số liệu")
    AWAITING_IT_LEAD = "awaiting_it_lead", _("Chờ lãnh đạo cơ quan CNTT duyệt")
    AWAITING_LEADER = "awaiting_leader", _("Chờ lãnh đạo tỉnh/bộ duyệt")
    SUBMITTED = "submitted", _("Đã gửi cơ quan đánh giá")
    UNDER_APPRAISAL = "under_appraisal", _("Đang thẩm định")
    EXPLANATION = "explanation", _("Đang giải trình")
    EXPLANATION_AWAITING_LEADER = "explanation_awaiting_leader", _("Chờ lãnh đạo duyệt giải trình")
    FINAL_APPRAISAL = "final_appraisal", _("Đang thẩm định lại")
    FINALISED = "finalised", _("Đã chốt kết quả")
    PUBLISHED = "published", _("Đã công bố")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Trình duyệt")
    APPROVE = "approve", _("Phê duyệt")
    RETURN = "return", _("Trả lại")
    START_APPRAISAL = "start_appraisal", _("Bắt đầu thẩm định")
    FINISH_APPRAISAL = "finish_appraisal", _("Kết thúc thẩm định, chuyển đơn vị giải trình")
    SUBMIT_EXPLANATION = "submit_explanation", _("Trình duyệt giải trình")
    FINALISE = "finalise", _("Chốt kết quả")
    REOPEN = "reopen", _("Mở lại thẩm định")
    REOPEN_ENTRY = "reopen_entry", _("Mở lại nhập liệu")
    PUBLISH = "publish", _("Công bố")


class Refusal(StrEnum):
    """Why a step was refused, as the API's `code` says it (the sentence is for people)."""

    MISSING_EVIDENCE = "missing_evidence"
    ENTRY_CLOSED = "entry_closed"
    APPRAISAL_INCOMPLETE = "appraisal_incomplete"
    EXPLANATIONS_UNSETTLED = "explanations_unsettled"
    NOT_ALLOWED = "not_allowed"


# States in which the authority's appraisal is still internal: the unit does not see it yet.
APPRAISAL_HIDDEN_STATES = frozenset({SubmissionState.SUBMITTED, SubmissionState.UNDER_APPRAISAL})
# The unit's own states, before the authority has the submission.
ENTRY_STATES = frozenset({SubmissionState.DRAFT, SubmissionState.AWAITING_IT_LEAD, SubmissionState.AWAITING_LEADER})
# Appraisers decide on reported leaves while the submission is with them before the explanation round.
APPRAISAL_STATES = frozenset({SubmissionState.SUBMITTED, SubmissionState.UNDER_APPRAISAL})
# The states in which the authority holds the submission (its assigned appraiser acts next).
AUTHORITY_STATES = frozenset(
    {SubmissionState.SUBMITTED, SubmissionState.UNDER_APPRAISAL, SubmissionState.FINAL_APPRAISAL}
)
SETTLED_STATES = frozenset({SubmissionState.FINALISED, SubmissionState.PUBLISHED})
# The deadline of the phase each state belongs to, by the campaign's field name.
PHASE_DEADLINES = {
    SubmissionState.DRAFT: "entry_closes",
    SubmissionState.AWAITING_IT_LEAD: "entry_closes",
    SubmissionState.AWAITING_LEADER: "entry_closes",
    SubmissionState.SUBMITTED: "appraisal_closes",
    SubmissionState.UNDER_APPRAISAL: "appraisal_closes",
    SubmissionState.EXPLANATION: "explanation_closes",
    SubmissionState.EXPLANATION_AWAITING_LEADER: "explanation_closes",
    SubmissionState.FINAL_APPRAISAL: "final_appraisal_closes",
}


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def visible_to(self, user: User) -> SubmissionQuerySet:
        """Return the submissions a user may see: their own unit's, or every one for the authority."""
        if not user.is_authenticated or not user.is_active or user.organisation_id is None:
            return self.none()
        if user.is_authority:
            return self.all()
        if any(user.has_role(role) for role in UNIT_ROLES):
            return self.filter(organisation_id=user.organisation_id)
        return self.none()

    def awaiting(self, user: User) -> SubmissionQuerySet:
        """Return the submissions waiting for this user's next step.

        For an appraiser: those in the authority's hands that are assigned to them or to nobody.
        """
        states = {row.source for row in TRANSITIONS if not row.by_system and any(user.has_role(r) for r in row.roles)}
        if user.is_appraiser:
            states |= {SubmissionState.UNDER_APPRAISAL, SubmissionState.FINAL_APPRAISAL}
        queryset = self.visible_to(user).filter(state__in=states)
        if user.is_appraiser and not user.is_administrator:
            queryset = queryset.filter(Q(appraiser=user) | Q(appraiser=None))
        return queryset

    def with_progress(self) -> SubmissionQuerySet:
        """Annotate `answered` and `required`: the self-reported leaves with a value, and all of them."""
        reported = Q(answers__node__source=Node.Source.SELF_REPORT)
        return self.annotate(
            # Distinct: a query that also counts the answers' files joins them, one row per file.
            answered=Count("answers", filter=reported & answered_filter("answers__"), distinct=True),
            required=Count("answers", filter=reported, distinct=True),
        )

    def with_reminder_on(self, day: datetime.date) -> SubmissionQuerySet:
        """Annotate `reminded`: whether the unit was reminded of its deadline on `day` (local date)."""
        reminders = Event.objects.filter(submission=OuterRef("pk"), kind=Event.Kind.REMINDED, at__date=day)
        return self.annotate(reminded=Exists(reminders))


class Submission(models.Model):
    """One organisation's data for one campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="submissions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="submissions")
    # Written only by `submissions.services.workflow.apply_transition`, which also writes its history row.
    state = models.CharField(
        _("trạng thái"), max_length=32, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    reopened_until = models.DateField(_("mở lại đến ngày"), null=True, blank=True)
    appraiser = models.ForeignKey(
        User,
        verbose_name=_("cán bộ thẩm định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appraisals",
    )
    last_activity = models.DateTimeField(_("hoạt động gần nhất"), null=True, blank=True)

    # Present only on rows read through `SubmissionQuerySet.with_reminder_on`.
    reminded: bool
    # Set by the appraisal queue: (warning's words, how many files carry it).
    evidence_warnings: list[tuple[str, int]]

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "organisation__code"]
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = _("hồ sơ đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="one_submission_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.campaign}"

    def get_absolute_url(self) -> str:
        return reverse("submissions:detail", args=[self.pk])

    @property
    def unit_name(self) -> str:
        """The unit's name as it was in the campaign's year (Huế is "Huế" from 2025, not "Thừa Thiên - Huế")."""
        return self.organisation.short_name_in(self.campaign.year)

    def entry_window_open(self, today: datetime.date | None = None) -> bool:
        """Whether the unit may edit by date: the campaign's entry phase, or a reopening for this unit."""
        today = today or timezone.localdate()
        if self.reopened_until is not None and today <= self.reopened_until:
            return self.campaign.state == Campaign.State.OPEN
        return self.campaign.entry_is_open(today)

    def is_editable(self) -> bool:
        """Data can change only in draft (a return unlocks it) and while entry is open for the unit."""
        return self.state == SubmissionState.DRAFT and self.entry_window_open()

    def is_own_unit(self, user: User) -> bool:
        return user.organisation_id == self.organisation_id

    def is_unit_approver(self, user: User) -> bool:
        """The unit's IT lead or leader: the people who approve its data before the authority has it."""
        return any(user.may_act_as(role, self.organisation_id) for role in (Role.IT_LEAD, Role.LEADER))

    def can_edit(self, user: User) -> bool:
        return self.is_editable() and user.has_role(Role.REPORTER) and self.is_own_unit(user)

    def transitions_from_here(self) -> list[Transition]:
        return [row for row in TRANSITIONS if row.source == self.state]

    def allowed_actions(self, user: User) -> list[str]:
        """Return the actions this user may take now by hand, in table order."""
        return [
            row.action
            for row in self.transitions_from_here()
            if not row.by_system and row.may_be_taken_by(user, self.organisation_id)
        ]

    def can_appraise(self, user: User) -> bool:
        """Appraisers decide on leaves while the submission is with the authority."""
        return user.is_appraiser and self.state in AUTHORITY_STATES

    def can_supply_values(self, user: User) -> bool:
        """Appraisers enter the figures the authority measures until the result is finalised."""
        return user.is_appraiser and self.state not in SETTLED_STATES

    def can_explain(self, user: User) -> bool:
        """The unit's reporter answers the appraisal during the explanation round."""
        return self.state == SubmissionState.EXPLANATION and user.has_role(Role.REPORTER) and self.is_own_unit(user)

    def shows_appraisal_to(self, user: User) -> bool:
        """The authority sees its work at once; the unit once the appraisal is finished."""
        if user.is_authority:
            return True
        return self.state not in APPRAISAL_HIDDEN_STATES and self.state not in ENTRY_STATES

    def phase_deadline(self) -> datetime.date | None:
        field = PHASE_DEADLINES.get(SubmissionState(self.state))
        return getattr(self.campaign, field) if field else None

    def due_date(self) -> datetime.date | None:
        """The date the unit's current step is due: its phase's deadline, or a later reopening of entry."""
        deadline = self.phase_deadline()
        if deadline is not None and self.reopened_until is not None and self.state == SubmissionState.DRAFT:
            deadline = max(deadline, self.reopened_until)
        return deadline

    def is_late(self, today: datetime.date | None = None) -> bool:
        """Whether the phase the submission is in has passed its deadline."""
        deadline = self.due_date()
        return deadline is not None and (today or timezone.localdate()) > deadline

    def missing_explanations(self) -> list[Answer]:
        """Answers whose leaf needs evidence but has none attached and no explanation (seed 002's rule)."""
        return [
            answer
            for answer in self.answers.filter(node__evidence_required=True, node__source=Node.Source.SELF_REPORT)
            .select_related("node")
            .prefetch_related("evidence")
            if not answer.explanation and not any(item.removed_at is None for item in answer.evidence.all())
        ]

    def previous_state(self) -> str | None:
        """The state the last step left, from the history."""
        return (
            self.events.filter(kind__in=[Event.Kind.TRANSITION, Event.Kind.REOPENED])
            .order_by("-at", "-id")
            .values_list("from_state", flat=True)
            .first()
        )

    # Guards of the transition table: each raises WorkflowError (or Forbidden) when its step is not allowed now.

    def check_ready_to_submit(self, user: User) -> None:
        if not self.entry_window_open():
            raise WorkflowError(str(_("Đã hết hạn nhập số liệu.")), code=Refusal.ENTRY_CLOSED)
        lacking = self.missing_explanations()
        if lacking:
            # Every one, by its key: the pillar-qualified code ("CQS/1.1.1"), never ambiguous.
            keys = [answer.node.key for answer in lacking]
            raise WorkflowError(
                _("Các chỉ số cần tài liệu kiểm chứng nhưng chưa có tài liệu và chưa giải thích: %(codes)s.")
                % {"codes": ", ".join(keys)},
                code=Refusal.MISSING_EVIDENCE,
                leaves=keys,
            )

    def check_one_step_per_person(self, user: User) -> None:
        """Separation of duties: in one round of the approval chain, whoever put the submission forward,
        whoever approved it for the IT agency and whoever approves it for the leadership are different
        people. A round starts when the unit puts its data (or its explanation) forward; a step taken
        again after a return is the same step, by the same person or another holder of its role."""
        opening = ROUND_OPENERS.get(SubmissionState(self.state))
        if opening is None:
            return
        steps = list(
            self.events.filter(kind=Event.Kind.TRANSITION)
            .order_by("at", "id")
            .values_list("actor_id", "from_state", "new")
        )
        starts = [index for index, (_actor, _state, new) in enumerate(steps) if new.get("action") == opening]
        if not starts:
            return
        earlier = {
            (actor, state)
            for actor, state, new in steps[starts[-1] :]
            if new.get("action") in (Action.SUBMIT, Action.SUBMIT_EXPLANATION, Action.APPROVE) and state != self.state
        }
        if any(actor == user.pk for actor, _state in earlier):
            if any(actor == user.pk and state in ROUND_STARTING_STATES for actor, state in earlier):
                raise Forbidden(_("Không ai được tự phê duyệt hồ sơ do chính mình trình."))
            raise Forbidden(
                _("Mỗi bước phê duyệt do một người khác thực hiện: bạn đã phê duyệt một bước trước của lượt trình này.")
            )

    def check_appraisal_complete(self, user: User) -> None:
        undecided = list(
            self.answers.reported_by_unit()
            .filter(appraisal_decision="")
            .order_by("node__order")
            .values_list("node__key", flat=True)
        )
        if undecided:
            raise WorkflowError(
                _("Còn chỉ số chưa có kết luận thẩm định: %(codes)s.") % {"codes": list_codes(undecided)},
                code=Refusal.APPRAISAL_INCOMPLETE,
                leaves=undecided,
            )

    def check_settled(self, user: User) -> None:
        unsettled = list(
            self.answers.contested()
            .filter(final_decision="")
            .order_by("node__order")
            .values_list("node__key", flat=True)
        )
        if unsettled:
            raise WorkflowError(
                _("Còn chỉ số đang giải trình chưa được kết luận: %(codes)s.") % {"codes": list_codes(unsettled)},
                code=Refusal.EXPLANATIONS_UNSETTLED,
                leaves=unsettled,
            )


def list_codes(codes: list[str]) -> str:
    """At most 20 codes, then an ellipsis: a message names the leaves without flooding the page."""
    return ", ".join(codes[:20]) + (", …" if len(codes) > 20 else "")


class Decision(models.TextChoices):
    """An appraiser's decision on one leaf."""

    ACCEPT = "accept", _("Chấp nhận")
    ADJUST = "adjust", _("Điều chỉnh")
    QUESTION = "question", _("Đề nghị giải trình")


class FinalDecision(models.TextChoices):
    """How the appraiser settles a contested leaf after the explanation round."""

    KEEP = "keep", _("Giữ kết quả thẩm định")
    REVISE = "revise", _("Điều chỉnh lại")


VALUE_FIELDS = ("value", "numerator", "denominator", "choice")


def answered_filter(prefix: str = "") -> Q:
    """The condition "this leaf has a reported value", on Answer (or through a relation with `prefix`)."""
    return (
        Q(**{f"{prefix}value__isnull": False})
        | Q(**{f"{prefix}numerator__isnull": False})
        | ~Q(**{f"{prefix}choice": ""})
    )


class AnswerQuerySet(models.QuerySet["Answer"]):
    def reported_by_unit(self) -> AnswerQuerySet:
        """The leaves the unit reports itself (the others the authority supplies)."""
        return self.filter(node__source=Node.Source.SELF_REPORT)

    def contested(self) -> AnswerQuerySet:
        """Adjusted or questioned leaves: the unit may explain them and the appraiser settles them."""
        return self.filter(appraisal_decision__in=[Decision.ADJUST, Decision.QUESTION])


class Answer(models.Model):
    """One leaf of one submission, at every stage: what the unit reported, what the appraiser decided
    (accept, adjust with a reason, or a question), the unit's reply, and how the leaf was settled.

    The value that counts at a stage: self — the reported fields; appraised — the appraised fields
    when the decision is "adjust", else the reported ones; final — the final fields when the leaf
    was revised, else the appraised value.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="answers")
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(_("tử số"), max_digits=20, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(_("mẫu số"), max_digits=20, decimal_places=6, null=True, blank=True)
    choice = models.CharField(_("mức"), max_length=200, blank=True)
    explanation = models.TextField(_("giải thích"), blank=True)
    self_score = models.DecimalField(_("điểm tự đánh giá"), max_digits=12, decimal_places=6, null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    appraisal_decision = models.CharField(_("kết luận thẩm định"), max_length=16, choices=Decision.choices, blank=True)
    appraised_value = models.DecimalField(
        _("giá trị thẩm định"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    appraised_numerator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    appraised_denominator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    appraised_choice = models.CharField(max_length=200, blank=True)
    appraisal_reason = models.TextField(_("lý do điều chỉnh / câu hỏi"), blank=True)
    appraised_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    appraised_at = models.DateTimeField(null=True, blank=True)
    # What the unit had reported when the appraiser decided: "changed since last review" compares with it.
    reviewed_report = models.JSONField(default=dict, blank=True)
    review_version = models.PositiveIntegerField(_("phiên bản thẩm định"), default=0)

    explanation_reply = models.TextField(_("giải trình của đơn vị"), blank=True)
    replied_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    replied_at = models.DateTimeField(null=True, blank=True)

    final_decision = models.CharField(_("kết luận sau giải trình"), max_length=16, choices=FinalDecision.choices,
                                      blank=True)  # fmt: skip
    final_value = models.DecimalField(_("giá trị cuối cùng"), max_digits=20, decimal_places=6, null=True, blank=True)
    final_numerator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    final_denominator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    final_choice = models.CharField(max_length=200, blank=True)
    final_reason = models.TextField(_("lý do sau giải trình"), blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "node__order"]
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        constraints = [models.UniqueConstraint(fields=["submission", "node"], name="one_answer_per_leaf")]

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.node.key}"

    def is_answered(self) -> bool:
        return self.value is not None or self.numerator is not None or bool(self.choice)

    def stage_values(self, stage: Stage) -> dict[str, Any]:
        """The value fields that count at a stage."""
        if stage == Stage.FINAL and self.final_decision == FinalDecision.REVISE:
            prefix = "final_"
        elif stage in (Stage.APPRAISED, Stage.FINAL) and self.appraisal_decision == Decision.ADJUST:
            prefix = "appraised_"
        else:
            prefix = ""
        return {name: getattr(self, prefix + name) for name in VALUE_FIELDS}

    def stage_score(self, stage: Stage = Stage.SELF) -> Decimal | None:
        """The leaf's score at a stage by its own rule; None where the rule compares units (peer groups)."""
        node = self.node
        if node.max_points is None:
            return None
        return local_score(node.rule, node.parameters, node.max_points, **self.stage_values(stage))

    def display_value(self, stage: Stage = Stage.SELF) -> str:
        """The value at a stage as a person reads it: "12 / 40", "Hằng tháng", "Có", "63,56" or "—"."""
        from common.formatting import format_number

        values = self.stage_values(stage)
        if values["numerator"] is not None:
            return f"{format_number(values['numerator'])} / {format_number(values['denominator'])}"
        if values["choice"]:
            return str(values["choice"])
        if values["value"] is None:
            return "—"
        if self.node.rule == Rule.BOOLEAN:
            return str(_("Có") if values["value"] else _("Không"))
        return format_number(values["value"])

    @property
    def reported_text(self) -> str:
        return self.display_value(Stage.SELF)

    @property
    def appraised_text(self) -> str:
        return self.display_value(Stage.APPRAISED)

    @property
    def final_text(self) -> str:
        return self.display_value(Stage.FINAL)

    def points_lost(self, stage: Stage) -> Decimal | None:
        """Points the appraisal took from this leaf's self-assessed score, by the stage `stage`; None where
        the rule compares the units of a peer group (only the campaign's computation scores those)."""
        before, after = self.stage_score(Stage.SELF), self.stage_score(stage)
        if before is None or after is None:
            return None
        return points_lost(before, after)

    def conclusion_text(self) -> str:
        """What the appraisal concluded on this leaf so far, as the unit reads it: the value that counts
        now (revised after the explanation, or adjusted), or the decision in words."""
        if self.final_decision == FinalDecision.REVISE:
            return self.final_text
        if self.appraisal_decision == Decision.ADJUST:
            return self.appraised_text
        if self.final_decision:
            return str(self.get_final_decision_display())
        return str(self.get_appraisal_decision_display())

    def reasons(self) -> list[str]:
        """The appraiser's reason or question, then the reason given when settling it, if any."""
        return [text for text in (self.appraisal_reason, self.final_reason) if text]

    def is_contested(self) -> bool:
        """An adjusted or questioned leaf: the unit may explain it and the appraiser settles it."""
        return self.appraisal_decision in (Decision.ADJUST, Decision.QUESTION)

    def changed_since_review(self) -> bool:
        return bool(self.appraisal_decision) and self.reviewed_report != self.reported()

    def reported(self) -> dict[str, Any]:
        """The reported fields, for history and the API."""
        return {
            "value": _plain(self.value),
            "numerator": _plain(self.numerator),
            "denominator": _plain(self.denominator),
            "choice": self.choice,
            "explanation": self.explanation,
        }


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def evidence_path(instance: Evidence, filename: str) -> str:
    """A generated name: never the uploader's file name, which is kept only as data."""
    return f"evidence/{instance.answer.submission.campaign_id}/{uuid.uuid4().hex}.pdf"


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def attached(self) -> EvidenceQuerySet:
        """The files attached now (a withdrawn one stays in the history)."""
        return self.filter(removed_at=None)

    def with_reading(self) -> EvidenceQuerySet:
        """With each file's document, its campaign's year and whether another unit holds the same file,
        for the document's identity, signatures and warnings."""
        others = EvidenceDocument.objects.filter(sha256=OuterRef("sha256")).exclude(
            organisation_id=OuterRef("answer__submission__organisation_id")
        )
        return self.select_related("document").annotate(
            campaign_year=F("answer__submission__campaign__year"), shared_elsewhere=Exists(others)
        )


class Evidence(models.Model):
    """A PDF attached to one answer, checked by content and stored privately: an attachment of one of the
    unit's `EvidenceDocument`s (the file is the document's)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    # The unit's document this attaches; one document may be attached to many leaves.
    document = models.ForeignKey("EvidenceDocument", null=True, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    title = models.CharField(_("tiêu đề"), max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(_("số trang"))
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    # Present only on rows read through `EvidenceQuerySet.with_reading`.
    campaign_year: int
    shared_elsewhere: bool

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["answer", "uploaded_at"]
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")

    def __str__(self) -> str:
        return self.title

    def warnings(self) -> list[EvidenceWarning]:
        """The document's warnings for this file's campaign (read through `with_reading`)."""
        if self.document is None:
            return []
        year = getattr(self, "campaign_year", None) or self.answer.submission.campaign.year
        shared = getattr(self, "shared_elsewhere", None)
        if shared is None:
            shared = (
                EvidenceDocument.objects.filter(sha256=self.sha256)
                .exclude(organisation_id=self.document.organisation_id)
                .exists()
            )
        return self.document.warnings(year=year, shared_elsewhere=shared)


def document_path(instance: EvidenceDocument, filename: str) -> str:
    """A generated name under the unit: never the uploader's file name, which is kept only as data."""
    return f"evidence/documents/{instance.organisation_id}/{uuid.uuid4().hex}.pdf"


class TextStatus(models.TextChoices):
    """Whether a document's text has been read (`submissions.reading`, in the background)."""

    PENDING = "pending", _("Đang đọc tài liệu…")
    DONE = "done", _("Đã đọc")
    FAILED = "failed", _("Không đọc được")


class EvidenceWarning(StrEnum):
    """What an appraiser should look at in a document, as the API's `warnings` name it."""

    DATE_OUTSIDE_YEAR = "date_outside_year"
    NO_SIGNATURE_OR_NUMBER = "no_signature_or_number"
    SAME_FILE_OTHER_UNIT = "same_file_other_unit"

    @property
    def label(self) -> str:
        return str(WARNING_LABELS[self])


WARNING_LABELS = {
    EvidenceWarning.DATE_OUTSIDE_YEAR: _("Ngày văn bản ngoài năm đánh giá"),
    EvidenceWarning.NO_SIGNATURE_OR_NUMBER: _("Không có chữ ký số hợp lệ, không có số văn bản"),
    EvidenceWarning.SAME_FILE_OTHER_UNIT: _("Cùng tệp với tài liệu của đơn vị khác"),
}


# What is wrong with a signature, by the problem `submissions.signatures` names.
SIGNATURE_PROBLEMS = {
    SignatureProblem.MODIFIED: _("Chữ ký số: tài liệu đã bị sửa sau khi ký"),
    SignatureProblem.UNTRUSTED: _("Chữ ký số: chứng thư không thuộc nguồn tin cậy"),
    SignatureProblem.INVALID: _("Chữ ký số không hợp lệ"),
    SignatureProblem.UNREADABLE: _("Không đọc được chữ ký số"),
}


class EvidenceDocumentQuerySet(models.QuerySet["EvidenceDocument"]):
    def with_shared(self) -> EvidenceDocumentQuerySet:
        """Annotate `shared_elsewhere`: another unit holds a document with the same content."""
        others = EvidenceDocument.objects.filter(sha256=OuterRef("sha256")).exclude(
            organisation_id=OuterRef("organisation_id")
        )
        return self.annotate(shared_elsewhere=Exists(others))


class EvidenceDocument(models.Model):
    """A file a unit uploaded once, read once: its text, its identity (number, date, issuer) and its digital
    signatures. It is attached to one or more leaves, each attachment an `Evidence` row; withdrawing it from
    one leaf leaves it on the others."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="evidence_documents")
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=document_path, max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    title = models.CharField(_("tiêu đề"), max_length=300)
    size = models.PositiveIntegerField(_("dung lượng"))
    pages = models.PositiveIntegerField(_("số trang"))
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    text_status = models.CharField(
        _("đọc văn bản"), max_length=16, choices=TextStatus.choices, default=TextStatus.PENDING
    )
    text_method = models.CharField(_("cách đọc"), max_length=16, blank=True)
    # The text of each page read, pages separated by a form feed; `search_text` is the same, folded
    # (lower case, without accents) for searching with accents optional.
    text = models.TextField(_("nội dung văn bản"), blank=True)
    search_text = models.TextField(blank=True)
    pages_read = models.PositiveIntegerField(default=0)
    read_at = models.DateTimeField(null=True, blank=True)
    read_error = models.TextField(blank=True)
    document_kind = models.CharField(_("loại văn bản"), max_length=60, blank=True)
    document_number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True)
    # What the reading found, kept beside the reporter's correction: number, date, issuer, and where on
    # which page the number and date were (the viewer highlights them).
    detected = models.JSONField(default=dict, blank=True)
    corrected_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    corrected_at = models.DateTimeField(null=True, blank=True)
    # One entry per signature: signer, organisation, signed_at (ISO), intact, trusted, problem.
    signatures = models.JSONField(default=list, blank=True)
    # Whether one of them is intact and trusted: kept with them, so that the appraisal queue counts warnings
    # in its one query.
    validly_signed = models.BooleanField(default=False)

    # Present only on rows read through `EvidenceDocumentQuerySet.with_shared`.
    shared_elsewhere: bool

    objects = EvidenceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "-uploaded_at"]
        verbose_name = _("văn bản kiểm chứng")
        verbose_name_plural = _("văn bản kiểm chứng")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sha256"], name="one_document_per_content_and_unit")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.text_status == TextStatus.DONE

    def page_texts(self) -> list[str]:
        return self.text.split("\f") if self.text else []

    def has_valid_signature(self) -> bool:
        return self.validly_signed

    def identity_summary(self) -> str:
        """“Quyết định số 123/QĐ-UBND ngày 12/03/2021 của Ủy ban nhân dân tỉnh Quảng Nam”; "" when nothing is known."""
        parts = []
        if self.document_number:
            kind = self.document_kind or _("Văn bản")
            parts.append(_("%(kind)s số %(number)s") % {"kind": kind, "number": self.document_number})
        elif self.document_kind:
            parts.append(str(self.document_kind))
        if self.document_date:
            parts.append(_("ngày %(date)s") % {"date": self.document_date.strftime("%d/%m/%Y")})
        if self.issuer:
            parts.append(_("của %(issuer)s") % {"issuer": self.issuer})
        return " ".join(str(part) for part in parts)

    def signature_badges(self) -> list[tuple[bool, str]]:
        """Per signature, whether it holds and the words the leaf shows: "Đã ký số · <tổ chức> · dd/mm/yyyy ·
        nguyên vẹn", or what is wrong."""
        badges = []
        for item in self.signatures:
            problem = item.get("problem") or ""
            if problem:
                wrong = SIGNATURE_PROBLEMS.get(SignatureProblem(problem), SIGNATURE_PROBLEMS[SignatureProblem.INVALID])
                badges.append((False, str(wrong)))
                continue
            signed = item.get("signed_at")
            day = timezone.localtime(datetime.datetime.fromisoformat(signed)).strftime("%d/%m/%Y") if signed else ""
            holder = item.get("organisation") or item.get("signer") or ""
            words = [str(_("Đã ký số")), holder, day, str(_("nguyên vẹn"))]
            badges.append((True, " · ".join(word for word in words if word)))
        return badges

    def warnings(self, *, year: int, shared_elsewhere: bool) -> list[EvidenceWarning]:
        """The checks that help the appraiser, for a campaign of `year` (seeds 002, 004: the evidence
        covers the assessment year, is issued by a competent body, numbered or digitally signed)."""
        found = []
        if self.document_date is not None and self.document_date.year != year:
            found.append(EvidenceWarning.DATE_OUTSIDE_YEAR)
        if self.is_read and not self.document_number and not self.has_valid_signature():
            found.append(EvidenceWarning.NO_SIGNATURE_OR_NUMBER)
        if shared_elsewhere:
            found.append(EvidenceWarning.SAME_FILE_OTHER_UNIT)
        return found


class EventQuerySet(models.QuerySet["Event"]):
    def readable_by(self, user: User, submission: Submission) -> EventQuerySet:
        """The submission's history a user may read: the authority's work in progress stays internal
        until the appraisal is sent to the unit."""
        events = self.filter(submission=submission)
        if submission.shows_appraisal_to(user):
            return events
        return events.exclude(kind__in=INTERNAL_EVENTS)

    def latest_per_answer(self, count: int) -> EventQuerySet:
        """The newest `count` rows of each answer's history, newest first (one query for any number of
        answers; a sliced prefetch would do the same, but not when it prefetches for a single answer)."""
        newest = models.Window(
            RowNumber(), partition_by=[models.F("answer_id")], order_by=[F("at").desc(), F("id").desc()]
        )
        return self.annotate(place=newest).filter(place__lte=count).order_by("-at", "-id")


class Event(models.Model):
    """One entry of a submission's history. Append-only: saved once, never changed or deleted."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Cập nhật số liệu")
        EVIDENCE_ADDED = "evidence_added", _("Thêm tài liệu")
        EVIDENCE_REMOVED = "evidence_removed", _("Gỡ tài liệu")
        TRANSITION = "transition", _("Chuyển trạng thái")
        COMMENT = "comment", _("Ý kiến")
        REOPENED = "reopened", _("Mở lại nhập liệu")
        IMPORT = "import", _("Nhập từ Excel")
        APPRAISAL = "appraisal", _("Thẩm định")
        AUTHORITY_VALUE = "authority_value", _("Số liệu do cơ quan đánh giá cung cấp")
        REPLY = "reply", _("Giải trình")
        SETTLED = "settled", _("Thẩm định lại")
        ASSIGNED = "assigned", _("Phân công thẩm định")
        EXPERT_PANEL = "expert_panel", _("Cập nhật ý kiến chuyên gia")
        REMINDED = "reminded", _("Nhắc nhở quá hạn")

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="events")
    answer = models.ForeignKey(Answer, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("loại"), max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "at", "id"]
        verbose_name = _("lịch sử")
        verbose_name_plural = _("lịch sử")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise WorkflowError("Lịch sử không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise WorkflowError("Lịch sử không được xóa.")


# The authority's own steps, which the unit reads only once the appraisal is sent to it.
INTERNAL_EVENTS = (Event.Kind.APPRAISAL, Event.Kind.SETTLED, Event.Kind.ASSIGNED)


class PendingImportQuerySet(models.QuerySet["PendingImport"]):
    def expired(self, now: datetime.datetime | None = None) -> PendingImportQuerySet:
        """Held uploads past their time: nobody may apply them any more."""
        return self.filter(created_at__lte=(now or timezone.now()) - PendingImport.LIFETIME)


class PendingImport(models.Model):
    """An uploaded Excel template kept between its preview and its application, so that the reporter
    applies the file they previewed without choosing it again.

    Only the person who uploaded it may apply it, on its own submission, within LIFETIME; applying
    reads and checks the stored file again and deletes it. The bytes stay in the database so that
    keeping, applying and deleting happen in the same transaction as the answers they change.
    """

    LIFETIME = datetime.timedelta(minutes=30)

    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("tệp Excel chờ áp dụng")
        verbose_name_plural = _("tệp Excel chờ áp dụng")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.token})"

    @property
    def expires_at(self) -> datetime.datetime:
        return self.created_at + self.LIFETIME

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class Notification(models.Model):
    """An in-app message to one user about one submission (also sent by e-mail)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    submission = models.ForeignKey(Submission, null=True, on_delete=models.CASCADE, related_name="+")
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.message[:60]


class ExclusionQuerySet(models.QuerySet["Exclusion"]):
    def active(self) -> ExclusionQuerySet:
        return self.filter(revoked_at=None)


class Exclusion(models.Model):
    """A leaf taken out of a campaign for every unit (seed 001: fewer than half the units could report it).

    Never deleted: revoking keeps the row, so the methodology page and the history stay true.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="exclusions")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="exclusions")
    reason = models.TextField(_("lý do"))
    coverage = models.DecimalField(_("tỷ lệ đơn vị báo cáo"), max_digits=5, decimal_places=4, null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    objects = ExclusionQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "node__order", "created_at"]
        verbose_name = _("chỉ số loại khỏi đánh giá")
        verbose_name_plural = _("chỉ số loại khỏi đánh giá")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "node"], condition=Q(revoked_at=None), name="one_active_exclusion_per_leaf"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.node.code}"


class FocusIndexQuerySet(models.QuerySet["FocusIndex"]):
    def notes_by_key(self, campaign_id: int) -> dict[str, str]:
        """The campaign's focus indices: {node key: the authority's note}."""
        return dict(self.filter(campaign_id=campaign_id).values_list("node__key", "note"))

    def note_of_outer_node(self, campaign_id: int) -> Subquery:
        """For annotating a query of nodes: the note of the campaign's mark on each node (NULL where the
        node is not marked, "" where it is marked without a note). The pages that load the framework's
        tree anyway read the marks with it, so flagging them costs no query of its own."""
        return Subquery(self.filter(campaign_id=campaign_id, node=OuterRef("pk")).order_by().values("note")[:1])


class FocusIndex(models.Model):
    """A component index the national authority singles out for a campaign as weak nationally ("chỉ số cần
    tập trung", seed 000): flagged to every unit where it enters, reads and plans its figures."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="focus_indices")
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="focus_marks")
    note = models.TextField(_("ghi chú"), blank=True)
    marked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    objects = FocusIndexQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "node__order"]
        verbose_name = _("chỉ số cần tập trung")
        verbose_name_plural = _("chỉ số cần tập trung")
        constraints = [models.UniqueConstraint(fields=["campaign", "node"], name="one_focus_mark_per_index")]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.node.code}"


# The attribute `FocusIndexQuerySet.note_of_outer_node` is annotated as on a framework's nodes.
FOCUS_NOTE = "focus_note"


@dataclass(frozen=True)
class FocusMark:
    """The focus index a node is, or lies under, with the authority's note."""

    component: Node
    note: str


@dataclass(frozen=True)
class FocusMarks:
    """A campaign's focus indices as the readers of its framework's tree see them: a marked component is
    flagged, and so is every criterion under it (a leaf is flagged when its component is)."""

    marks: dict[int, FocusMark]

    @classmethod
    def annotated(cls, nodes: Iterable[Node]) -> FocusMarks:
        """From nodes annotated with `FOCUS_NOTE` (see `FocusIndexQuerySet.note_of_outer_node`)."""
        return cls({
            node.pk: FocusMark(node, note) for node in nodes if (note := getattr(node, FOCUS_NOTE, None)) is not None
        })  # fmt: skip

    def of(self, node: Node, nodes: Mapping[int, Node]) -> FocusMark | None:
        """The mark of `node` or of the nearest node above it that is marked; `nodes` maps the
        framework's node ids to nodes."""
        for candidate in (node, *reversed(node.ancestors(nodes))):
            if candidate.pk in self.marks:
                return self.marks[candidate.pk]
        return None

    def __bool__(self) -> bool:
        return bool(self.marks)


class Expert(models.Model):
    """A member of a unit's expert panel (seed 004 §3: 15–20 people, 40 % / 30 % / 30 % by category)."""

    class Category(models.TextChoices):
        RETIRED_LEADER = "retired_leader", _("Lãnh đạo đã nghỉ hưu")
        OFFICIAL = "official", _("Cán bộ, công chức, viên chức đang công tác")
        BUSINESS = "business", _("Lãnh đạo doanh nghiệp, tổ chức, hiệp hội")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="experts")
    name = models.CharField(_("họ tên"), max_length=200)
    category = models.CharField(_("nhóm"), max_length=24, choices=Category.choices)
    position = models.CharField(_("chức vụ, đơn vị"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["submission", "order", "id"]
        verbose_name = _("chuyên gia")
        verbose_name_plural = _("chuyên gia")

    def __str__(self) -> str:
        return self.name


class ExpertScore(models.Model):
    """One expert's score for one expert-assessed leaf of the unit."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="scores")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("điểm"), max_digits=10, decimal_places=4)

    class Meta:
        verbose_name = _("điểm chuyên gia")
        verbose_name_plural = _("điểm chuyên gia")
        constraints = [models.UniqueConstraint(fields=["expert", "node"], name="one_score_per_expert_and_leaf")]

    def __str__(self) -> str:
        return f"{self.expert}: {self.score}"


Guard = Callable[[Submission, User], None]


@dataclass(frozen=True)
class Transition:
    """One row of the table: from `source`, `action` leads to `target`, taken by one of `roles`.

    Unit roles act on their own unit's submission only; authority roles act on every unit's. A row
    `by_system` is taken by a service on the authority's behalf (publication, reopening entry with its
    date), never offered as a button. `guards` run on the locked submission before the step is written;
    `event_kind` is the history row's kind.
    """

    source: SubmissionState
    action: Action
    target: SubmissionState
    roles: frozenset[Role]
    needs_reason: bool = False
    guards: tuple[Guard, ...] = ()
    by_system: bool = False
    notifies: bool = True
    event_kind: str = Event.Kind.TRANSITION

    def may_be_taken_by(self, user: User, organisation_id: int) -> bool:
        return any(user.may_act_as(role, organisation_id) for role in self.roles)


def _row(source: SubmissionState, action: Action, target: SubmissionState, *roles: Role, **options: Any) -> Transition:
    return Transition(source=source, action=action, target=target, roles=frozenset(roles), **options)


S = SubmissionState
# The one table of allowed transitions. `apply_transition` is the only writer of Submission.state.
# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    _row(S.DRAFT, Action.SUBMIT, S.AWAITING_IT_LEAD, Role.REPORTER, guards=(Submission.check_ready_to_submit,)),
    _row(S.AWAITING_IT_LEAD, Action.APPROVE, S.AWAITING_LEADER, Role.IT_LEAD,
         guards=(Submission.check_one_step_per_person,)),
    _row(S.AWAITING_IT_LEAD, Action.RETURN, S.DRAFT, Role.IT_LEAD, needs_reason=True),
    _row(S.AWAITING_LEADER, Action.APPROVE, S.SUBMITTED, Role.LEADER, guards=(Submission.check_one_step_per_person,)),
    _row(S.AWAITING_LEADER, Action.RETURN, S.AWAITING_IT_LEAD, Role.LEADER, needs_reason=True),
    _row(S.SUBMITTED, Action.START_APPRAISAL, S.UNDER_APPRAISAL, Role.APPRAISER),
    _row(S.UNDER_APPRAISAL, Action.FINISH_APPRAISAL, S.EXPLANATION, Role.APPRAISER,
         guards=(Submission.check_appraisal_complete,)),
    _row(S.EXPLANATION, Action.SUBMIT_EXPLANATION, S.EXPLANATION_AWAITING_LEADER, Role.REPORTER),
    _row(S.EXPLANATION_AWAITING_LEADER, Action.APPROVE, S.FINAL_APPRAISAL, Role.LEADER,
         guards=(Submission.check_one_step_per_person,)),
    _row(S.EXPLANATION_AWAITING_LEADER, Action.RETURN, S.EXPLANATION, Role.LEADER, needs_reason=True),
    _row(S.FINAL_APPRAISAL, Action.FINALISE, S.FINALISED, Role.APPRAISER, guards=(Submission.check_settled,)),
    _row(S.FINALISED, Action.REOPEN, S.FINAL_APPRAISAL, Role.ADMIN, needs_reason=True),
    # A published result is corrected by reopening it and publishing the campaign again (a new version).
    _row(S.PUBLISHED, Action.REOPEN, S.FINAL_APPRAISAL, Role.ADMIN, needs_reason=True),
    # Reopening data entry for one unit after the deadline: back to draft until a date, with a reason.
    *(
        _row(source, Action.REOPEN_ENTRY, S.DRAFT, Role.ADMIN, needs_reason=True, by_system=True,
             notifies=False, event_kind=Event.Kind.REOPENED)
        for source in (S.DRAFT, S.AWAITING_IT_LEAD, S.AWAITING_LEADER, S.SUBMITTED, S.UNDER_APPRAISAL)
    ),
    _row(S.FINALISED, Action.PUBLISH, S.PUBLISHED, Role.ADMIN, by_system=True, notifies=False),
)
# fmt: on
# The step that opens the round of approvals a state belongs to.
ROUND_OPENERS = {
    SubmissionState.AWAITING_IT_LEAD: Action.SUBMIT,
    SubmissionState.AWAITING_LEADER: Action.SUBMIT,
    SubmissionState.EXPLANATION_AWAITING_LEADER: Action.SUBMIT_EXPLANATION,
}
# The states a round is opened from (whoever acted there put the submission forward).
ROUND_STARTING_STATES = frozenset({SubmissionState.DRAFT, SubmissionState.EXPLANATION})


def transition_for(state: str, action: str) -> Transition | None:
    return next((row for row in TRANSITIONS if row.source == state and row.action == action), None)
