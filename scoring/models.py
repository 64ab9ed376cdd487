"""Computed results of a campaign, and the state of its recomputation.

Each recompute writes the rows that changed, in one transaction: readers see the previous
complete set or the new one, never a mix.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from common.vocabulary import Stage
from submissions.models import Campaign


class Result(models.Model):
    """One unit's score on one node (leaf, component, main index, pillar) or aggregate, at every stage.

    The max points are the same at every stage (exclusions and not-applicable leaves do not
    depend on it), so one row holds the three stages' scores.
    """

    # Results are derived rows, written only by the recompute from ids it has just read, up to hundreds
    # of thousands at a time: the database checks neither key per row (the ORM still cascades and
    # protects). Every reader asks for a campaign's rows, or one unit's: the unique constraint's
    # index (campaign, organisation, key) serves them all, and is the only index besides the key's.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="results", db_index=False, db_constraint=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="results", db_index=False, db_constraint=False
    )
    key = models.CharField(_("chỉ số"), max_length=64, help_text=_("Khóa của chỉ số, hoặc mã chỉ số tổng hợp."))
    is_aggregate = models.BooleanField(default=False)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=12, decimal_places=4)
    self_score = models.DecimalField(_("điểm tự đánh giá"), max_digits=16, decimal_places=8)
    appraised_score = models.DecimalField(_("điểm thẩm định"), max_digits=16, decimal_places=8)
    final_score = models.DecimalField(_("điểm cuối cùng"), max_digits=16, decimal_places=8)

    class Meta:
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation", "key"], name="one_result_per_node"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.key}: {self.final_score}/{self.max_points}"

    def score(self, stage: str = Stage.FINAL) -> Decimal:
        """The score at a stage; any other word reads the final score."""
        if stage == Stage.SELF:
            return self.self_score
        if stage == Stage.APPRAISED:
            return self.appraised_score
        return self.final_score

    def value(self, stage: str = Stage.FINAL) -> Decimal | None:
        """Score over max at a stage; None for a node worth nothing."""
        return self.score(stage) / self.max_points if self.max_points else None


class Recompute(models.Model):
    """A campaign's recomputation: whether one is pending, and how the last run went.

    One row per campaign. `pending` coalesces a burst of saves into one queued run; a run clears it
    before it reads the data, so a save during the run asks for exactly one more.
    """

    class State(models.TextChoices):
        IDLE = "idle", _("Chưa chạy")
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tính")
        DONE = "done", _("Hoàn tất")
        FAILED = "failed", _("Lỗi")

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="recompute")
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.IDLE)
    pending = models.BooleanField(_("đang chờ tính lại"), default=False)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    units = models.PositiveIntegerField(default=0)
    results = models.PositiveIntegerField(default=0)
    # Changed by every run that writes results: a process that remembers what it wrote at this
    # version knows the stored rows without reading them.
    results_version = models.PositiveBigIntegerField(default=0)
    rows_written = models.PositiveIntegerField(
        default=0, help_text=_("Số dòng kết quả lần tính gần nhất đã ghi (thêm, sửa hoặc xóa).")
    )
    runs = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("tính điểm")
        verbose_name_plural = _("tính điểm")

    def __str__(self) -> str:
        return f"{self.campaign}: {self.get_state_display()}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
