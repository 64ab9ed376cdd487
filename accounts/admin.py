from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Region, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "level", "group", "region", "valid_from", "valid_to"]
    list_filter = ["level", "group", "region", "valid_to"]
    search_fields = ["code", "name", "short_name"]
    filter_horizontal = ["predecessors"]
    list_select_related = ["region"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "organisation", "roles", "is_active", "last_login"]
    list_filter = ["is_active", "organisation__level"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__short_name"]
    list_select_related = ["organisation"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Tổ chức và vai trò"), {"fields": ("organisation", "roles")}),
    )


admin.site.register(Region)
