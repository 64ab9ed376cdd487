from __future__ import annotations

from django.contrib import admin

from .models import Organisation, Region


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "level", "group", "region", "valid_from", "valid_to"]
    list_filter = ["level", "group", "region", "valid_to"]
    search_fields = ["code", "name", "short_name"]
    filter_horizontal = ["predecessors"]
    list_select_related = ["region"]


admin.site.register(Region)
