"""The forms of the unit's pages. They only carry what was typed: the checks, and their messages, are
the services' (`accounts.departments`), so a page, an import and the demo data refuse the same text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .departments import CONTACT_MAX, NAME_MAX, SHORT_NAME_MAX, DepartmentInput


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Tên cơ quan, đơn vị"), required=False, strip=False)
    short_name = forms.CharField(
        label=_("Tên viết tắt"), required=False, strip=False, help_text=_("Ví dụ: Sở TT&TT. Có thể để trống.")
    )
    contact = forms.CharField(
        label=_("Đầu mối liên hệ"),
        required=False,
        strip=False,
        help_text=_("Người, số điện thoại hoặc thư điện tử để liên hệ. Có thể để trống."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser's hints only; the service checks again and says why in the page's language.
        self.fields["name"].widget.attrs.update({"maxlength": NAME_MAX, "required": True, "autocomplete": "off"})
        self.fields["short_name"].widget.attrs.update({"maxlength": SHORT_NAME_MAX, "autocomplete": "off"})
        self.fields["contact"].widget.attrs.update({"maxlength": CONTACT_MAX, "autocomplete": "off"})

    def given(self) -> DepartmentInput:
        data = self.cleaned_data
        return DepartmentInput(name=data["name"], short_name=data["short_name"], contact=data["contact"])


class DepartmentSheetForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách (.xlsx hoặc .csv)"),
        help_text=_("Tối đa 2 MB và 500 cơ quan, đơn vị."),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": _("Chọn tệp danh sách để tải lên.")},
    )
