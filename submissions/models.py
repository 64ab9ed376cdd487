"""Campaigns, submissions and answers: a unit's figures for one assessment year, and their history.

A submission moves through one explicit table of transitions; every change of an answer, every
evidence file and every transition leaves an append-only event in the same transaction.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Role, User
from indicators.models import Framework, Node


class WorkflowError(Exception):
    """A workflow step that is not allowed now; the message says why, in the user's language."""


class StaleAnswerError(WorkflowError):
    """The answer changed since the caller read it: saving would overwrite someone else's value."""


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
    FINAL_APPRAISAL = "final_appraisal", _("Đang thẩm định lại")
    FINALISED = "finalised", _("Đã chốt kết quả")
    PUBLISHED = "published", _("Đã công bố")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Trình duyệt")
    APPROVE = "approve", _("Phê duyệt")
    RETURN = "return", _("Trả lại")


# The one table of allowed transitions: (state, action) → (new state, role that may take it).
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (SubmissionState.DRAFT, Action.SUBMIT): (SubmissionState.AWAITING_IT_LEAD, Role.REPORTER),
    (SubmissionState.AWAITING_IT_LEAD, Action.APPROVE): (SubmissionState.AWAITING_LEADER, Role.IT_LEAD),
    (SubmissionState.AWAITING_IT_LEAD, Action.RETURN): (SubmissionState.DRAFT, Role.IT_LEAD),
    (SubmissionState.AWAITING_LEADER, Action.APPROVE): (SubmissionState.SUBMITTED, Role.LEADER),
    (SubmissionState.AWAITING_LEADER, Action.RETURN): (SubmissionState.AWAITING_IT_LEAD, Role.LEADER),
}
ACTIONS_NEEDING_A_REASON = frozenset({Action.RETURN})


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def visible_to(self, user: User) -> SubmissionQuerySet:
        """Return the submissions a user may see: their own unit's, or every one for the authority."""
        if not user.is_authenticated or not user.is_active or user.organisation_id is None:
            return self.none()
        if user.has_role(Role.APPRAISER) or user.has_role(Role.ADMIN):
            return self.all()
        if any(user.has_role(role) for role in (Role.REPORTER, Role.IT_LEAD, Role.OFFICE, Role.LEADER)):
            return self.filter(organisation_id=user.organisation_id)
        return self.none()

    def awaiting(self, user: User) -> SubmissionQuerySet:
        """Return the submissions waiting for this user's next step."""
        states = {state for (state, _action), (_new, role) in TRANSITIONS.items() if user.has_role(role)}
        return self.visible_to(user).filter(state__in=states)


class Submission(models.Model):
    """One organisation's data for one campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="submissions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="submissions")
    state = models.CharField(
        _("trạng thái"), max_length=24, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    reopened_until = models.DateField(_("mở lại đến ngày"), null=True, blank=True)
    last_activity = models.DateTimeField(_("hoạt động gần nhất"), null=True, blank=True)

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

    def entry_window_open(self, today: datetime.date | None = None) -> bool:
        """Whether the unit may edit by date: the campaign's entry phase, or a reopening for this unit."""
        today = today or timezone.localdate()
        if self.reopened_until is not None and today <= self.reopened_until:
            return self.campaign.state == Campaign.State.OPEN
        return self.campaign.entry_is_open(today)

    def is_editable(self) -> bool:
        """Data can change only in draft (a return unlocks it) and while entry is open for the unit."""
        return self.state == SubmissionState.DRAFT and self.entry_window_open()

    def can_edit(self, user: User) -> bool:
        return self.is_editable() and user.has_role(Role.REPORTER) and user.organisation_id == self.organisation_id

    def allowed_actions(self, user: User) -> list[str]:
        """Return the actions this user may take now, in table order."""
        if user.organisation_id != self.organisation_id:
            return []
        return [
            action
            for (state, action), (_new, role) in TRANSITIONS.items()
            if state == self.state and user.has_role(role)
        ]


class Answer(models.Model):
    """One leaf of one submission: the reported value(s), the unit's explanation and its evidence."""

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

    class Meta:
        ordering = ["submission", "node__order"]
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        constraints = [models.UniqueConstraint(fields=["submission", "node"], name="one_answer_per_leaf")]

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.node.key}"

    def is_answered(self) -> bool:
        return self.value is not None or self.numerator is not None or bool(self.choice)

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


class Evidence(models.Model):
    """A PDF supporting one answer, checked by content and stored privately."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
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

    class Meta:
        ordering = ["answer", "uploaded_at"]
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")

    def __str__(self) -> str:
        return self.title


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

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="events")
    answer = models.ForeignKey(Answer, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("loại"), max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)

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
