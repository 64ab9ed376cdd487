"""Webhooks and their deliveries.

A webhook is an HTTPS address that an IT lead registers for their own unit (`organisation` set: that
unit's submission events only) or that the authority's administrator registers for every unit
(`organisation` null). Each event it listens to becomes one delivery: the body signed once and kept
exactly as sent, with the record of its attempts that the owner reads.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User


class WebhookEvent(models.TextChoices):
    SUBMISSION_STATE_CHANGED = "submission.state_changed", _("Hồ sơ chuyển trạng thái")
    APPRAISAL_RELEASED = "appraisal.released", _("Kết quả thẩm định được gửi đơn vị")
    PUBLICATION_PUBLISHED = "publication.published", _("Kết quả được công bố")


# Events about one unit's submission: a unit's webhook hears those of its own unit only. A publication
# is public, so every webhook listening to it hears it.
SUBMISSION_EVENTS = frozenset({WebhookEvent.SUBMISSION_STATE_CHANGED, WebhookEvent.APPRAISAL_RELEASED})


class AppraisalRound(models.TextChoices):
    """Which appraisal `appraisal.released` announces: the preliminary one the unit explains, or the final."""

    PRELIMINARY = "preliminary", _("Kết quả thẩm định sơ bộ")
    FINAL = "final", _("Kết quả thẩm định cuối cùng")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Đang gửi")
    DELIVERED = "delivered", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công")


class WebhookQuerySet(models.QuerySet["Webhook"]):
    def owned_by(self, user: User) -> WebhookQuerySet:
        return self.filter(owner=user)

    def hearing_unit(self, organisation_id: int) -> list[Webhook]:
        """The switched-on webhooks that may hear a unit's events: the unit's own and the authority's."""
        found = self.filter(Q(organisation=None) | Q(organisation_id=organisation_id), active=True)
        return list(found.select_related("owner"))

    def hearing_publications(self) -> list[Webhook]:
        return list(self.filter(active=True).select_related("owner"))


class Webhook(models.Model):
    owner = models.ForeignKey(User, verbose_name=_("người đăng ký"), on_delete=models.CASCADE, related_name="webhooks")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống: webhook của cơ quan đánh giá, nhận sự kiện của mọi đơn vị."),
    )
    url = models.URLField(_("địa chỉ nhận"), max_length=500)
    # Kept as is: every delivery is signed with it. Shown once, in the answer that created the webhook.
    secret = models.CharField(_("khoá ký"), max_length=64, editable=False)
    events = models.JSONField(_("sự kiện"), default=list)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhook")

    def __str__(self) -> str:
        return self.url

    def listens_to(self, event: str) -> bool:
        return event in self.events

    def recent_deliveries(self, limit: int = 20) -> models.QuerySet[WebhookDelivery]:
        return self.deliveries.order_by("-created_at", "-id")[:limit]


class WebhookDelivery(models.Model):
    """One event sent to one webhook; `body` is exactly the bytes signed (ASCII JSON), sent again on a retry."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("sự kiện"), max_length=32, choices=WebhookEvent.choices)
    payload = models.JSONField(_("dữ liệu"))
    body = models.TextField(_("nội dung đã ký"))
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_status = models.PositiveSmallIntegerField(_("mã trả lời gần nhất"), null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("gửi lần cuối lúc"), null=True, blank=True)
    # When the next attempt is due; none once delivered or given up.
    next_attempt_at = models.DateTimeField(_("lần gửi tới lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("đã nhận lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần gửi webhook")
        verbose_name_plural = _("lần gửi webhook")
        indexes = [models.Index(fields=["webhook", "-created_at"], name="delivery_of_webhook_newest")]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id}"

    @property
    def state(self) -> DeliveryState:
        if self.delivered_at is not None:
            return DeliveryState.DELIVERED
        # An attempt is due (the first, or a retry); none is: given up after the last attempt, or as its
        # webhook was switched off or its owner lost the role.
        if self.next_attempt_at is not None:
            return DeliveryState.PENDING
        return DeliveryState.FAILED
