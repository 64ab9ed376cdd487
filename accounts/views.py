"""The signed-in person's own page (who they are to the portal, and their API tokens), and their unit's
list of departments."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import InvalidInput, Rejected, WorkflowError

from .access import departments_unit_for, get_department_for_keeper, unit_kept_by, units_to_choose
from .departments import (
    MAX_UPLOAD_BYTES,
    add_department,
    department_template,
    import_departments,
    read_department_sheet,
    remove_department,
    update_department,
)
from .forms import DepartmentForm, DepartmentSheetForm
from .http import AuthenticatedRequest
from .models import Department, Organisation
from .services import revoke_api_token


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    """Name, organisation and roles, and the API tokens still alive, each with a button to end it."""
    context = {"person": request.user, "tokens": request.user.live_api_tokens(), "hours": settings.API_TOKEN_HOURS}
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def revoke_token(request: AuthenticatedRequest) -> HttpResponse:
    """End one of the person's own API tokens; another person's answers 404 like a missing one."""
    if not revoke_api_token(user=request.user, digest=request.POST.get("token", "")):
        raise Http404("No such token of this account")
    messages.success(request, _("Đã thu hồi mã truy cập API."))
    return redirect("accounts:profile")


# A unit's departments.

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def departments(request: AuthenticatedRequest) -> HttpResponse:
    """The unit's departments; its office and leader add one here (POST) and import a sheet.

    The authority's administrator picks the unit (`?unit=<code>`) and reads its list.
    """
    user = request.user
    unit = departments_unit_for(user, request.GET.get("unit", "").strip())
    form = DepartmentForm()
    status = 200
    if request.method == "POST":
        unit = unit_kept_by(user)
        form = DepartmentForm(request.POST)
        if form.is_valid():
            try:
                department = add_department(user=user, organisation_id=unit.pk, given=form.given())
            except InvalidInput as error:
                _attach(form, error)
                status = 400
            else:
                messages.success(request, _("Đã thêm “%(name)s”.") % {"name": department.name})
                return redirect("accounts:departments")
        else:
            status = 400
    return _departments_page(request, unit, form=form, status=status)


@login_required
@require_POST
def import_departments_sheet(request: AuthenticatedRequest) -> HttpResponse:
    """Import the unit's departments from an uploaded sheet, all or nothing."""
    user = request.user
    unit = unit_kept_by(user)
    sheet_form = DepartmentSheetForm(request.POST, request.FILES)
    if not sheet_form.is_valid():
        return _departments_page(request, unit, sheet_form=sheet_form, status=400)
    upload = sheet_form.cleaned_data["file"]
    try:
        # One byte past the limit is enough to refuse the file without reading the rest.
        sheet = read_department_sheet(content=upload.read(MAX_UPLOAD_BYTES + 1), filename=upload.name)
        summary = import_departments(user=user, organisation_id=unit.pk, sheet=sheet)
    except Rejected as error:
        return _departments_page(request, unit, sheet_form=sheet_form, problems=error.problems, status=400)
    messages.success(
        request,
        _("Đã nhập danh sách: thêm %(added)s, cập nhật %(updated)s, giữ nguyên %(unchanged)s cơ quan, đơn vị.")
        % {"added": summary.added, "updated": summary.updated, "unchanged": summary.unchanged},
    )
    return redirect("accounts:departments")


@login_required
@require_GET
def departments_template(request: AuthenticatedRequest) -> HttpResponse:
    """The empty sheet to fill and import: its header row only."""
    departments_unit_for(request.user)
    response = HttpResponse(department_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-co-quan-don-vi.xlsx"'
    return response


@login_required
def department(request: AuthenticatedRequest, department_id: int) -> HttpResponse:
    """Edit one department of the unit's list (its office and leader only)."""
    user = request.user
    found = get_department_for_keeper(user, department_id)
    status = 200
    if request.method == "POST":
        form = DepartmentForm(request.POST)
        if form.is_valid():
            try:
                saved = update_department(user=user, department_id=found.pk, given=form.given())
            except InvalidInput as error:
                _attach(form, error)
                status = 400
            else:
                messages.success(request, _("Đã lưu “%(name)s”.") % {"name": saved.name})
                return redirect("accounts:departments")
        else:
            status = 400
    else:
        form = DepartmentForm(initial={"name": found.name, "short_name": found.short_name, "contact": found.contact})
    return render(request, "accounts/department_edit.html", {"department": found, "form": form}, status=status)


@login_required
def remove_department_page(request: AuthenticatedRequest, department_id: int) -> HttpResponse:
    """Ask before removing a department (GET); remove it (POST)."""
    user = request.user
    found = get_department_for_keeper(user, department_id)
    refusal = ""
    if request.method == "POST":
        try:
            name = remove_department(user=user, department_id=found.pk)
        except WorkflowError as error:
            refusal = error.message
        else:
            messages.success(request, _("Đã xóa “%(name)s” khỏi danh sách.") % {"name": name})
            return redirect("accounts:departments")
    context = {"department": found, "refusal": refusal}
    return render(request, "accounts/department_remove.html", context, status=409 if refusal else 200)


def _attach(form: DepartmentForm, error: InvalidInput) -> None:
    """Show each refused field's message next to it."""
    for name, message in error.errors.items():
        form.add_error(name if name in form.fields else None, message)


def _departments_page(
    request: AuthenticatedRequest,
    unit: Organisation | None,
    *,
    form: DepartmentForm | None = None,
    sheet_form: DepartmentSheetForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"unit": unit, "choosing": user.is_administrator}
    if user.is_administrator:
        context["units"] = units_to_choose()
    if unit is not None:
        context.update(
            {
                "departments": Department.objects.of_unit(unit.pk).in_reading_order(),
                "may_keep": user.may_keep_departments(unit.pk),
                "form": form or DepartmentForm(),
                "sheet_form": sheet_form or DepartmentSheetForm(),
                "problems": problems or [],
            }
        )
    return render(request, "accounts/departments.html", context, status=status)
