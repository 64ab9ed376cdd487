from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from common.errors import Rejected

from .models import Department, Organisation, Region, User
from .services import deactivate_account, import_accounts, read_account_rows


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "level", "group", "region", "valid_from", "valid_to"]
    list_filter = ["level", "group", "region", "valid_to"]
    search_fields = ["code", "name", "short_name"]
    filter_horizontal = ["predecessors"]
    list_select_related = ["region"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """Read only: a unit's office and leader keep its list on the unit's own page, through the checks of
    `accounts.departments`; the authority reads every unit's here."""

    list_display = ["name", "short_name", "organisation", "contact"]
    list_filter = ["organisation__level"]
    search_fields = ["name", "short_name", "contact", "organisation__short_name", "organisation__code"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Department | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Department | None = None) -> bool:
        return False


class AccountListForm(forms.Form):
    file = forms.FileField(
        label=_("Danh sách tài khoản (.csv hoặc .xlsx)"),
        help_text=_("Các cột: username, organisation, roles, full_name, email, password."),
    )
    dry_run = forms.BooleanField(label=_("Chạy thử (không lưu)"), required=False, initial=True)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "organisation", "roles", "is_active", "last_login"]
    list_filter = ["is_active", "organisation__level"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__short_name"]
    list_select_related = ["organisation"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),  # Django always sets them; the stubs type them optional, as for any ModelAdmin
        (_("Tổ chức và vai trò"), {"fields": ("organisation", "roles")}),
    )
    actions = ["deactivate_selected"]
    change_list_template = "admin/accounts/user/change_list.html"

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Accounts appear in the history of every submission they touched: deactivate, never delete.
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="accounts_user_import"),
            *super().get_urls(),
        ]

    @admin.action(description=_("Khóa tài khoản (kết thúc mọi phiên đăng nhập)"))
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            deactivate_account(user_id=user.pk)
        self.message_user(request, _("Đã khóa %(count)s tài khoản.") % {"count": queryset.count()})

    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = AccountListForm(request.POST or None, request.FILES or None)
        context = {**self.admin_site.each_context(request), "title": _("Tạo tài khoản hàng loạt"), "form": form,
                   "opts": self.model._meta}  # fmt: skip
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_account_rows(upload.read(), upload.name)
                context["imported"] = import_accounts(rows=rows, dry_run=form.cleaned_data["dry_run"])
                context["dry_run"] = form.cleaned_data["dry_run"]
            except Rejected as error:
                context["problems"] = error.problems
            else:
                if not form.cleaned_data["dry_run"]:
                    self.message_user(request, _("Đã nhập %(count)s tài khoản.") % {"count": len(context["imported"])},
                                      messages.SUCCESS)  # fmt: skip
        return TemplateResponse(request, "admin/accounts/user/import.html", context)


admin.site.register(Region)
