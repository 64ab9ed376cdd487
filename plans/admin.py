"""Django admin: the authority reads the units' plans; they are written only through the plan's pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ImprovementPlan, PlanEvent, PlanItem


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    fields = readonly_fields = (
        "code",
        "name",
        "max_points",
        "final_score",
        "focus",
        "chosen",
        "department",
        "target_value",
        "deadline",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlanEventInline(admin.TabularInline):
    model = PlanEvent
    fields = readonly_fields = ("at", "kind", "actor", "item", "comment")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(ReadOnly):
    list_display = ["title", "organisation", "year", "state", "approved_at"]
    list_filter = ["state", "year"]
    search_fields = ["title", "organisation__name", "organisation__short_name"]
    inlines = [PlanItemInline, PlanEventInline]
