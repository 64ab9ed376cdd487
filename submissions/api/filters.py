"""The submissions list's filters: each parameter validated, a bad value answering 400 naming it."""

from __future__ import annotations

import django_filters

from accounts.models import Organisation, Region
from common.filters import year_filter
from submissions.models import Campaign, Submission, SubmissionState


class SubmissionFilter(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), help_text="Mã số (id) đợt đánh giá.")
    year = year_filter("campaign__year", help_text="Năm đánh giá.")
    level = django_filters.ChoiceFilter(
        field_name="campaign__level", choices=Organisation.Level.choices, help_text="Cấp của đợt đánh giá."
    )
    state = django_filters.ChoiceFilter(choices=SubmissionState.choices, help_text="Trạng thái hồ sơ.")
    group = django_filters.ChoiceFilter(
        field_name="organisation__group", choices=Organisation.Group.choices, help_text="Nhóm xếp hạng của đơn vị."
    )
    region = django_filters.ModelChoiceFilter(
        field_name="organisation__region",
        queryset=Region.objects.all(),
        to_field_name="code",
        help_text="Mã vùng kinh tế - xã hội của đơn vị.",
    )

    class Meta:
        model = Submission
        fields = ["campaign", "year", "level", "state", "group", "region"]
