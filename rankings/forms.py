"""The data explorer's selection, read from its URL: the page's form and the API's parameters alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from .explore import Catalogue, Selection, catalogue
from .models import DTI

# The levels the explorer reads; each is ranked apart, with its own framework.
LEVELS = [
    (Organisation.Level.PROVINCE.value, _("Tỉnh, thành phố")),
    (Organisation.Level.MINISTRY.value, _("Bộ, ngành")),
]
# Every parameter of a selection, as the URL names them.
PARAMETERS = ("level", "index", "units", "group", "region", "years", "year")


class ExploreForm(forms.Form):
    """A selection of the published results of one level: an index, units (one by one, a peer group or
    a region), years, and the year of the bar chart. The choices are what the level's published
    years hold (`Catalogue`), so anything else is refused with a message next to its field."""

    level = forms.ChoiceField(label=_("Cấp"), choices=LEVELS, required=False,
                              error_messages={"invalid_choice": _("Cấp phải là tỉnh, thành phố (province) hoặc bộ, "
                                                                  "ngành (ministry).")})  # fmt: skip
    index = forms.ChoiceField(label=_("Chỉ số"), required=False)
    units = forms.MultipleChoiceField(label=_("Đơn vị"), required=False)
    group = forms.ChoiceField(label=_("Nhóm"), required=False)
    region = forms.ChoiceField(label=_("Vùng"), required=False)
    years = forms.TypedMultipleChoiceField(label=_("Năm"), coerce=int, required=False)
    year = forms.TypedChoiceField(label=_("Năm của biểu đồ cột"), coerce=int, required=False, empty_value=None)

    def __init__(self, data: QueryDict, *, found: Catalogue, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.query = data
        self.catalogue = found
        level = str(dict(LEVELS).get(found.level, found.level)).lower()
        years = [(str(year), str(year)) for year in found.years]
        fields = self.fields
        # The DTI, the default, names no error while nothing is published: the page says so instead.
        indices = [(choice.index, choice.label) for choice in found.indices] or [(DTI, "DTI")]
        fields["index"].choices = indices  # type: ignore[attr-defined]
        fields["units"].choices = [(unit.code, unit.name) for unit in found.units]  # type: ignore[attr-defined]
        groups = dict(Organisation.Group.choices)
        fields["group"].choices = [("", ""), *((group, groups.get(group, group)) for group in found.groups)]  # type: ignore[attr-defined]
        fields["region"].choices = [("", ""), *found.regions]  # type: ignore[attr-defined]
        fields["years"].choices = years  # type: ignore[attr-defined]
        fields["year"].choices = [("", ""), *years]  # type: ignore[attr-defined]
        messages = {
            "index": _("Không có chỉ số “%(value)s” trong kết quả đã công bố cấp %(level)s."),
            "units": _("Không có đơn vị mã “%(value)s” trong kết quả đã công bố cấp %(level)s."),
            "group": _("Không có nhóm xếp hạng “%(value)s” trong kết quả đã công bố cấp %(level)s."),
            "region": _("Không có vùng “%(value)s” trong kết quả đã công bố cấp %(level)s."),
            "years": _("Chưa công bố kết quả cấp %(level)s năm “%(value)s”."),
            "year": _("Chưa công bố kết quả cấp %(level)s năm “%(value)s”."),
        }
        for name, message in messages.items():
            # The level is named now; the value refused is filled in by Django.
            fields[name].error_messages["invalid_choice"] = message % {"level": level, "value": "%(value)s"}
        if found.level == Organisation.Level.MINISTRY:
            fields["region"].error_messages["invalid_choice"] = _("Bộ, ngành không chia theo vùng.")

    def clean_index(self) -> str:
        return str(self.cleaned_data.get("index") or DTI)

    def clean_units(self) -> list[str]:
        return list(dict.fromkeys(self.cleaned_data.get("units") or []))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        years, year = data.get("years") or [], data.get("year")
        if year is not None and years and year not in years:
            self.add_error("year", _("Năm của biểu đồ cột phải là một trong các năm đã chọn."))
        return data

    def selection(self) -> Selection:
        """The selection the valid form names."""
        data = self.cleaned_data
        return Selection(
            level=self.catalogue.level,
            index=data["index"],
            units=tuple(data["units"]),
            group=data.get("group") or "",
            region=data.get("region") or "",
            years=tuple(sorted(set(data.get("years") or []))),
            year=data.get("year"),
        )


def explore_form(data: QueryDict) -> ExploreForm:
    """The form of the selection `data` names, its choices those of the level asked for (the provinces'
    when it names none, or one that does not exist: the level field then says so)."""
    level = data.get("level") or Organisation.Level.PROVINCE.value
    if level not in dict(LEVELS):
        level = Organisation.Level.PROVINCE.value
    return ExploreForm(data, found=catalogue(level))
