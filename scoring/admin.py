"""The administrator sees each campaign's last recompute and can ask for one now."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Recompute
from .services import schedule_recompute


@admin.register(Recompute)
class RecomputeAdmin(admin.ModelAdmin):
    list_display = ["campaign", "state", "progress_bar", "pending", "started_at", "finished_at", "duration", "units",
                    "results", "runs", "error"]  # fmt: skip
    readonly_fields = ["campaign", "state", "progress", "pending", "started_at", "finished_at", "units", "results",
                       "runs", "error"]  # fmt: skip
    actions = ["recompute_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Recompute | None = None) -> bool:
        return False

    @admin.display(description=_("Tiến độ"))
    def progress_bar(self, obj: Recompute) -> str:
        return format_html('<progress max="100" value="{}" aria-label="{}">{} %</progress> {} %', obj.progress,
                           _("Tiến độ tính điểm"), obj.progress, obj.progress)  # fmt: skip

    @admin.display(description=_("Thời gian (giây)"))
    def duration(self, obj: Recompute) -> str:
        seconds = obj.duration_seconds
        return "—" if seconds is None else f"{seconds:.2f}"

    @admin.action(description=_("Tính lại ngay"))
    def recompute_now(self, request: HttpRequest, queryset: QuerySet[Recompute]) -> None:
        for recompute in queryset:
            schedule_recompute(campaign_id=recompute.campaign_id)
        self.message_user(request, _("Đã gửi yêu cầu tính lại %(count)s đợt đánh giá.") % {"count": queryset.count()})
