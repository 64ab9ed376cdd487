"""Django admin for campaigns and submissions: the administrator opens campaigns and reopens units.

Every change of state goes through a service function, so the admin writes the same history as
the pages and the API; the history itself is read-only here.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.http import AuthenticatedRequest, user_of
from common.errors import DomainError
from common.text import PlainTextField
from submissions.errors import AnswerInvalid
from submissions.models import Campaign, Event, Submission
from submissions.services.approval import reopen_submission
from submissions.services.campaigns import open_campaign


class CampaignForm(forms.ModelForm):
    groups = forms.MultipleChoiceField(
        label=_("Nhóm đánh giá"),
        choices=[
            ("province", _("Tỉnh, thành phố trực thuộc Trung ương")),
            ("public_services", _("Bộ, ngành cung cấp dịch vụ công")),
            ("no_public_services", _("Bộ, ngành không cung cấp dịch vụ công")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = [
            "name", "year", "level", "framework", "is_trial", "groups", "entry_opens", "entry_closes",
            "appraisal_closes", "explanation_closes", "final_appraisal_closes", "publication_date",
        ]  # fmt: skip
        field_classes = {"name": PlainTextField}


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ["name", "year", "level", "framework", "is_trial", "state", "entry_closes", "opened_at"]
    list_filter = ["level", "state", "year"]
    actions = ["open_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> list[str]:
        # Once open, the framework and the units are fixed; only the dates may move.
        if obj is not None and obj.state != Campaign.State.DRAFT:
            return ["year", "level", "framework", "is_trial", "groups"]
        return []

    def save_model(self, request: HttpRequest, obj: Campaign, form: forms.ModelForm, change: bool) -> None:
        if not change:
            obj.created_by = user_of(request)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return obj is None or obj.state == Campaign.State.DRAFT

    @admin.action(description=_("Mở đợt đánh giá (tạo hồ sơ cho từng đơn vị)"))
    def open_selected(self, request: AuthenticatedRequest, queryset: QuerySet[Campaign]) -> None:
        for campaign in queryset:
            try:
                count = open_campaign(campaign=campaign, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{campaign}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(campaign)s: đã tạo %(count)s hồ sơ.") % {"campaign": campaign,
                                                                                         "count": count})  # fmt: skip


class ReopenForm(forms.Form):
    until = forms.DateField(label=_("Mở lại đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = PlainTextField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_until(self) -> datetime.date:
        until: datetime.date = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise forms.ValidationError(_("Ngày mở lại phải từ hôm nay trở đi."))
        return until


class EventInline(admin.TabularInline):
    model = Event
    fields = ["at", "kind", "actor", "from_state", "to_state", "comment"]
    readonly_fields = ["at", "kind", "actor", "from_state", "to_state", "comment"]
    extra = 0
    can_delete = False
    ordering = ["-at", "-id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "campaign", "state", "reopened_until", "last_activity"]
    list_filter = ["campaign", "state", "organisation__group", "organisation__region"]
    search_fields = ["organisation__name", "organisation__short_name", "organisation__code"]
    readonly_fields = ["campaign", "organisation", "state", "reopened_until", "last_activity"]
    inlines = [EventInline]
    change_form_template = "admin/submissions/submission/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Submission | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path("<int:submission_id>/reopen/", self.admin_site.admin_view(self.reopen_view),
                 name="submissions_submission_reopen"),
            *super().get_urls(),
        ]  # fmt: skip

    def reopen_view(self, request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
        """Let one unit edit again after the deadline, until a date, with a logged reason."""
        submission = get_object_or_404(Submission.objects.select_related("organisation", "campaign"),
                                       pk=submission_id)  # fmt: skip
        form = ReopenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                reopen_submission(submission_id=submission.pk, by=request.user,
                                  until=form.cleaned_data["until"], reason=form.cleaned_data["reason"])  # fmt: skip
            except AnswerInvalid as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, _("Đã mở lại nhập liệu cho %(unit)s.") % {"unit": submission.organisation})
                return redirect(reverse("admin:submissions_submission_change", args=[submission.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mở lại nhập liệu: %(submission)s") % {"submission": submission},
            "form": form,
            "submission": submission,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/submissions/submission/reopen.html", context)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The history: readable and searchable, never changed."""

    list_display = ["at", "submission", "kind", "actor", "from_state", "to_state"]
    list_filter = ["kind"]
    search_fields = ["submission__organisation__short_name", "comment", "actor__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False
