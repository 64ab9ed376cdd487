"""The API's list filters are django-filter FilterSets: each parameter is validated by its form field,
and a bad value answers 400 naming the parameter (DjangoFilterBackend, or `checked` for a list that is
not a queryset). drf-spectacular documents a list view's FilterSet in the schema."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django_filters.utils import translate_validation

# The assessment years a parameter can name: the DTI began in 2020; a year is a small integer.
FIRST_YEAR, LAST_YEAR = 2000, 2999


class IntegerFilter(django_filters.NumberFilter):
    """A whole number: "2024.5" and "²" are refused, where NumberFilter would read a decimal."""

    field_class = forms.IntegerField


def year_filter(field_name: str = "", **options: Any) -> IntegerFilter:
    """An assessment year, FIRST_YEAR to LAST_YEAR (a larger number would overflow the database)."""
    if field_name:
        options["field_name"] = field_name
    return IntegerFilter(min_value=FIRST_YEAR, max_value=LAST_YEAR, **options)


def checked(filterset: django_filters.FilterSet) -> dict[str, Any]:
    """The parameters a FilterSet read, validated (400 naming each bad one), for a list that is built
    outside a queryset and filtered by the view itself."""
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return dict(filterset.form.cleaned_data)
