"""The plan's forms: one index's assignment, and the leader's reason for reopening."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from common.formatting import parse_number
from common.text import PlainTextField

from .services import MAX_TASKS, ItemInput


class ValueField(forms.CharField):
    """A value from 0 to 1 as people type it: "0,8" or "0.8"."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        return parse_number(str(value or ""))


class DepartmentField(forms.ModelChoiceField):
    """The unit's departments by their full names, as the plan's document names them."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PlanItemForm(forms.Form):
    chosen = forms.BooleanField(label=_("Đưa chỉ số này vào kế hoạch"), required=False)
    department = DepartmentField(
        label=_("Cơ quan, đơn vị chủ trì"), queryset=Department.objects.none(), required=False, empty_label="—"
    )
    tasks = PlainTextField(
        label=_("Nhiệm vụ, giải pháp"), required=False, max_length=MAX_TASKS, widget=forms.Textarea(attrs={"rows": 5})
    )
    target_value = ValueField(
        label=_("Giá trị mục tiêu (0–1)"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    deadline = forms.DateField(
        label=_("Thời hạn"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(organisation_id=organisation_id).order_by("name")

    def item_input(self) -> ItemInput:
        data = self.cleaned_data
        department = data.get("department")
        return ItemInput(
            chosen=bool(data.get("chosen")),
            department_id=department.pk if department else None,
            tasks=data.get("tasks") or "",
            target_value=data.get("target_value"),
            deadline=data.get("deadline"),
        )


class ReopenForm(forms.Form):
    reason = PlainTextField(label=_("Lý do mở lại"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)
