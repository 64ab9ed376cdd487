"""Django admin for publication: publish a campaign's final results (or a correction), import a past
year's published tables, and read every version. Snapshots themselves are never edited here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from accounts.http import AuthenticatedRequest
from accounts.models import Organisation
from common.errors import DomainError, Rejected
from common.text import PlainTextField
from submissions.models import Campaign

from .models import Publication, ReportExport, RobustnessResult
from .services import import_results, publish_campaign


class PublishForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Đợt đánh giá"), queryset=Campaign.objects.exclude(state=Campaign.State.DRAFT).order_by("-year")
    )
    revision_note = PlainTextField(
        label=_("Ghi chú sửa đổi (bắt buộc khi công bố lại)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp kết quả (.csv hoặc .xlsx)"))
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2019, max_value=2100)
    level = forms.ChoiceField(
        label=_("Cấp"),
        choices=[(Organisation.Level.PROVINCE, _("cấp tỉnh")), (Organisation.Level.MINISTRY, _("cấp bộ, ngành")),
                 (Organisation.Level.NATIONAL, _("quốc gia"))],
        help_text=_("Quốc gia: một dòng, của cả nước (mã VN), với giá trị các chỉ số của bộ chỉ số quốc gia do "
                    "cơ quan đánh giá đo."),
    )  # fmt: skip
    framework = forms.CharField(label=_("Mã bộ chỉ số (để trống: bộ áp dụng cho năm)"), required=False)
    revision_note = PlainTextField(label=_("Ghi chú sửa đổi (khi nhập lại)"), required=False)
    published_on = forms.DateField(
        label=_("Ngày công bố"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Ngày bảng được công bố (dd/mm/yyyy), hiển thị là ngày công bố; bắt buộc với lần công bố "
                    "đầu tiên của năm, để trống khi đính chính: hôm nay."),
    )  # fmt: skip
    source = PlainTextField(
        label=_("Nguồn số liệu"), required=False,
        help_text=_("Văn bản, mục, trang in các số liệu của bảng; hiển thị cùng kết quả."),
    )  # fmt: skip
    partial = forms.BooleanField(
        label=_("Công bố một phần"), required=False,
        help_text=_("Cho phép bảng thiếu đơn vị của năm; mọi trang và API ghi rõ “Công bố một phần”."),
    )  # fmt: skip


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["campaign", "version", "source", "published_at", "coverage_display", "published_by",
                    "revision_note"]  # fmt: skip
    list_filter = ["source", "campaign__is_trial", "campaign__level", "campaign__year"]
    readonly_fields = ["campaign", "version", "source", "published_at", "coverage_display", "published_by",
                       "revision_note", "source_note", "reconciliation"]  # fmt: skip

    @admin.display(description=_("Đơn vị"))
    def coverage_display(self, publication: Publication) -> str:
        return publication.partial_note() or f"{publication.covered_units}/{publication.expected_units}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("publish/", self.admin_site.admin_view(self.publish_view), name="rankings_publication_publish"),
            path("import/", self.admin_site.admin_view(self.import_view), name="rankings_publication_import"),
        ]
        return extra + super().get_urls()

    def publish_view(self, request: AuthenticatedRequest) -> HttpResponse:
        """Publish a campaign whose units are all finalised; publishing again is a correction."""
        if not request.user.has_perm("rankings.add_publication"):
            raise PermissionDenied
        form = PublishForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                publication = publish_campaign(campaign_id=form.cleaned_data["campaign"].pk, by=request.user,
                                               revision_note=form.cleaned_data["revision_note"])  # fmt: skip
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Đã công bố %(publication)s.") % {"publication": publication})
                return redirect("admin:rankings_publication_changelist")
        context = {**self.admin_site.each_context(request), "title": _("Công bố kết quả"), "form": form,
                   "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/rankings/publication/publish.html", context)

    def import_view(self, request: AuthenticatedRequest) -> HttpResponse:
        """The admin upload of `import_results`: a past year's published tables, all or nothing."""
        if not request.user.has_perm("rankings.add_publication"):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imported = import_results(
                    content=upload.read(), filename=upload.name, year=form.cleaned_data["year"],
                    level=form.cleaned_data["level"], framework_code=form.cleaned_data["framework"] or None,
                    by=request.user, revision_note=form.cleaned_data["revision_note"],
                    published_on=form.cleaned_data["published_on"], partial=form.cleaned_data["partial"],
                    source=form.cleaned_data["source"],
                )  # fmt: skip
            except Rejected as error:
                problems = error.problems
            else:
                messages.success(request, _("Đã công bố %(publication)s (%(count)s đơn vị).")
                                 % {"publication": imported.publication, "count": imported.units})  # fmt: skip
                if imported.publication.is_partial:
                    messages.warning(request, imported.publication.partial_note())
                for line in imported.reconciliation:
                    messages.warning(request, line)
                return redirect("admin:rankings_publication_changelist")
        context = {**self.admin_site.each_context(request), "title": _("Nhập kết quả đã công bố"), "form": form,
                   "problems": problems, "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/rankings/publication/import.html", context)


@admin.register(ReportExport)
class ReportExportAdmin(admin.ModelAdmin):
    list_display = ["publication", "state", "progress", "requested_at", "finished_at"]
    readonly_fields = ["publication", "state", "progress", "file", "error", "requested_at", "finished_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(RobustnessResult)
class RobustnessResultAdmin(admin.ModelAdmin):
    """Read only: the bands are the analysis of a frozen publication, with the seed it ran with."""

    list_display = ["publication", "state", "seed", "draws", "spread", "requested_at", "finished_at"]
    readonly_fields = ["publication", "state", "seed", "draws", "spread", "method", "rows", "error", "requested_at",
                       "finished_at"]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RobustnessResult | None = None) -> bool:
        return False
