"""Django admin for frameworks: read-mostly, with the Excel import and export as admin actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from .excel import read_framework_workbook, write_framework_workbook
from .framework.compare import compare_frameworks
from .framework.integrity import check_framework_data
from .framework.parse import FrameworkDataError
from .models import Aggregate, Framework, MissingNode, Node, NodeMapping
from .services import framework_data, import_framework, refresh_integrity


class FrameworkImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
    code = forms.SlugField(label=_("Mã phiên bản mới"), required=False, help_text=_("Để trống: dùng mã trong tệp."))
    based_on = forms.ModelChoiceField(
        Framework.objects.all(), label=_("So sánh với phiên bản"), required=False, to_field_name="code"
    )
    dry_run = forms.BooleanField(label=_("Chạy thử (không lưu)"), required=False, initial=True)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "decision_number", "first_year", "last_year", "max_points", "complete"]
    list_filter = ["level", "complete"]
    search_fields = ["code", "name", "decision_number"]
    readonly_fields = ["complete", "integrity_report", "created_at", "based_on"]
    actions = ["export_workbook", "recheck"]
    change_list_template = "admin/indicators/framework/change_list.html"

    def has_delete_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        # A framework is referenced by the campaigns scored with it; versions are kept, not deleted.
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="indicators_framework_import"),
            *super().get_urls(),
        ]

    @admin.action(description=_("Tải về dạng Excel"))
    def export_workbook(self, request: HttpRequest, queryset: QuerySet[Framework]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Chọn đúng một bộ chỉ số để tải về."), messages.WARNING)
            return None
        framework = queryset.get()
        response = HttpResponse(
            write_framework_workbook(framework_data(framework)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{framework.code}.xlsx"'
        return response

    @admin.action(description=_("Kiểm tra lại tính toàn vẹn"))
    def recheck(self, request: HttpRequest, queryset: QuerySet[Framework]) -> None:
        for framework in queryset:
            report = refresh_integrity(framework=framework)
            level = messages.ERROR if report.errors else messages.SUCCESS
            self.message_user(
                request,
                f"{framework.code}: {len(report.errors)} lỗi, {len(report.incomplete)} mục thiếu.",
                level,
            )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = FrameworkImportForm(request.POST or None, request.FILES or None)
        context: dict[str, Any] = {**self.admin_site.each_context(request), "form": form, "title": _("Nhập bộ chỉ số")}
        if request.method == "POST" and form.is_valid():
            based_on = form.cleaned_data["based_on"]
            try:
                data = read_framework_workbook(form.cleaned_data["file"], code=form.cleaned_data["code"] or None)
                if form.cleaned_data["dry_run"]:
                    context["changes"] = compare_frameworks(framework_data(based_on), data) if based_on else None
                    context["report"] = check_framework_data(data)
                    context["data"] = data
                else:
                    framework = import_framework(data=data, based_on=based_on)
                    self.message_user(request, f"Đã nhập {framework.code}.", messages.SUCCESS)
                    return redirect("admin:indicators_framework_change", framework.pk)
            except FrameworkDataError as error:
                context["problems"] = error.problems
        return TemplateResponse(request, "admin/indicators/framework/import.html", context)


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = [
        "key", "name", "framework", "kind", "max_points", "source", "rule", "focus", "incomplete", "inferred_cells",
    ]  # fmt: skip
    list_filter = ["framework", "kind", "source", "rule", "focus"]
    search_fields = ["key", "name"]
    list_select_related = ["framework"]
    # What the source prints or lost is a property of the version, read from its data, not edited here.
    readonly_fields = [
        "framework", "key", "parent", "kind", "max_points", "rule", "parameters", "order", "incomplete", "inferred",
    ]  # fmt: skip

    @admin.display(description=_("ô suy ra"))
    def inferred_cells(self, node: Node) -> str:
        return ", ".join(str(cell.label) for cell in node.inferred_cells())


@admin.register(NodeMapping)
class NodeMappingAdmin(admin.ModelAdmin):
    list_display = ["earlier", "later", "note"]
    list_select_related = ["earlier__framework", "later__framework"]
    autocomplete_fields = ["earlier", "later"]


admin.site.register(Aggregate)
admin.site.register(MissingNode)
