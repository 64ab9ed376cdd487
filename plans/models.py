"""A unit's improvement plan ("Kế hoạch cải thiện chỉ số DTI", seed 003): what its latest final or published
result says, and what it will do about the indices where it lost points.

A plan is generated once from one assessment (its figures are copied into the plan, so that a later
correction of the results does not rewrite what the leader approved), then edited by the unit's office
and leader: for each component it chooses, the responsible department, the tasks, a target value and a
deadline. It moves from draft to approved by the leader, and every step leaves an append-only event.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Organisation, User
from submissions.models import Campaign


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã phê duyệt")


class PlanSource(models.TextChoices):
    """Which figures the plan was generated from."""

    PUBLISHED = "published", _("Kết quả đã công bố")
    FINAL = "final", _("Kết quả thẩm định cuối cùng")


class ImprovementPlan(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="improvement_plans"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("đợt đánh giá"), on_delete=models.PROTECT, related_name="improvement_plans"
    )
    # The year the plan is for: the one after the assessment year it starts from (seed 003: DTI 2022 → 2023).
    year = models.PositiveSmallIntegerField(_("năm thực hiện"))
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    state = models.CharField(_("trạng thái"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    source = models.CharField(_("nguồn số liệu"), max_length=16, choices=PlanSource.choices)
    source_note = models.CharField(_("ghi chú nguồn"), max_length=300, blank=True)
    # Section II of the plan as generated: one row per index (DTI, pillars, main indices), see `summary.SummaryRow`.
    summary = models.JSONField(_("kết quả đánh giá"), default=list)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    # Raised by every change: a form posted from an older version is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "organisation"]
        verbose_name = _("kế hoạch cải thiện chỉ số DTI")
        verbose_name_plural = _("kế hoạch cải thiện chỉ số DTI")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "campaign"], name="one_plan_per_unit_and_assessment")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.state == PlanState.DRAFT

    @property
    def assessment_year(self) -> int:
        return self.campaign.year


class PlanItemQuerySet(models.QuerySet["PlanItem"]):
    def chosen(self) -> PlanItemQuerySet:
        return self.filter(chosen=True)


class PlanItem(models.Model):
    """One index of the plan: its figures as generated, and what the unit will do about it if chosen."""

    class Kind(models.TextChoices):
        MAIN = "main", _("Chỉ số chính")
        COMPONENT = "component", _("Chỉ số thành phần")

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(_("khóa chỉ số"), max_length=64)
    code = models.CharField(_("mã"), max_length=32)
    name = models.TextField(_("tên chỉ số"))
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    main_key = models.CharField(_("chỉ số chính"), max_length=64)
    main_name = models.TextField(_("tên chỉ số chính"))
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=12, decimal_places=4)
    final_score = models.DecimalField(_("điểm đạt được"), max_digits=16, decimal_places=8)
    reasons = models.JSONField(_("nguyên nhân"), default=list, blank=True)
    focus = models.BooleanField(_("chỉ số cần tập trung"), default=False)
    focus_note = models.TextField(_("ghi chú chỉ số cần tập trung"), blank=True)
    # Place in the generated list: by points lost, most first.
    order = models.PositiveIntegerField(_("thứ tự"))
    chosen = models.BooleanField(_("đưa vào kế hoạch"), default=False)
    department = models.ForeignKey(
        Department,
        verbose_name=_("cơ quan chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    tasks = models.TextField(_("nhiệm vụ, giải pháp"), blank=True)
    target_value = models.DecimalField(_("giá trị mục tiêu"), max_digits=6, decimal_places=4, null=True, blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("chỉ số trong kế hoạch")
        verbose_name_plural = _("chỉ số trong kế hoạch")
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="one_plan_item_per_index"),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0, target_value__lte=1),
                name="plan_target_is_a_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def points_lost(self) -> Decimal:
        """Points short of the maximum (max − final), the order of the plan's list."""
        return self.max_points - self.final_score

    @property
    def value(self) -> Decimal | None:
        return self.final_score / self.max_points if self.max_points else None

    @property
    def target_points(self) -> Decimal | None:
        return None if self.target_value is None else self.target_value * self.max_points

    def is_complete(self) -> bool:
        """A chosen index names who does what, by when, towards which value."""
        return bool(self.department_id and self.tasks.strip() and self.target_value is not None and self.deadline)

    def overdue(self, today: datetime.date | None = None) -> bool:
        return self.deadline is not None and self.deadline < (today or timezone.localdate())


class PlanEvent(models.Model):
    """One entry of a plan's history. Append-only: saved once, never changed."""

    class Kind(models.TextChoices):
        GENERATED = "generated", _("Lập kế hoạch")
        ITEM = "item", _("Cập nhật chỉ số")
        APPROVED = "approved", _("Phê duyệt")
        REOPENED = "reopened", _("Mở lại để sửa")

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    item = models.ForeignKey(PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        ordering = ["plan", "at", "pk"]
        verbose_name = _("lịch sử kế hoạch")
        verbose_name_plural = _("lịch sử kế hoạch")

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A plan's history is append-only.")
        super().save(*args, **kwargs)
