"""The campaign dashboard of the national authority: where every unit stands, who is late, and reminders.

The page reads the campaign's submissions in one query (progress and today's reminders annotated) and
counts the rest in Python, so it costs the same few queries for 34 units or 700.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from accounts.models import Organisation
from common.pages import refusals_as_messages
from submissions.access import get_campaign_for_authority
from submissions.models import Campaign, Submission, SubmissionState
from submissions.services.notifications import remind_overdue

# Where a unit without a region (a ministry) is counted in the table by region.
NO_REGION = ""


@dataclass(frozen=True)
class UnitRow:
    """One unit of the campaign as the dashboard shows it."""

    submission: Submission
    late: bool
    reminded: bool

    @property
    def region_code(self) -> str:
        region = self.submission.organisation.region
        return region.code if region else NO_REGION


@dataclass(frozen=True)
class Breakdown:
    """Units counted by state along one dimension (peer group or region): a table and its chart."""

    key: str
    title: str
    dimension: str
    states: list[tuple[str, str]]
    rows: list[tuple[str, list[int], int]]

    @property
    def chart_id(self) -> str:
        """The id of the chart's `json_script` element."""
        return f"{self.key}-chart"

    @property
    def totals(self) -> list[int]:
        return [sum(counts[index] for _label, counts, _total in self.rows) for index in range(len(self.states))]

    @property
    def total(self) -> int:
        return sum(total for _label, _counts, total in self.rows)

    def chart(self) -> dict[str, Any]:
        """The figures for static/js/charts.js ("stacked"): one bar per row, one stacked series per state."""
        return {
            "labels": [label for label, _counts, _total in self.rows],
            "series": [
                {"label": state_label, "values": [counts[index] for _label, counts, _total in self.rows]}
                for index, (_state, state_label) in enumerate(self.states)
            ],
        }


def campaign_units(campaign: Campaign, today: datetime.date) -> list[UnitRow]:
    """Every unit of the campaign, late ones first, then by code; one query whatever their number."""
    submissions = (
        Submission.objects.filter(campaign=campaign)
        .select_related("campaign", "organisation__region")
        .with_progress()
        .with_reminder_on(today)
        .order_by("organisation__code")
    )
    rows = [UnitRow(submission, submission.is_late(today), submission.reminded) for submission in submissions]
    return sorted(rows, key=lambda row: not row.late)


def breakdown(
    rows: list[UnitRow], key: str, title: str, dimension: str, by: Callable[[UnitRow], tuple[Any, str]]
) -> Breakdown:
    """Count the units by state for each value of `by` (a sort key and a label), in that order; `key` names
    the page's elements of the breakdown."""
    states = [(value, str(label)) for value, label in SubmissionState.choices]
    present = [state for state in states if any(row.submission.state == state[0] for row in rows)]
    column = {value: index for index, (value, _label) in enumerate(present)}
    groups: dict[tuple[Any, str], list[int]] = {}
    for row in rows:
        groups.setdefault(by(row), [0] * len(present))[column[row.submission.state]] += 1
    return Breakdown(
        key=key,
        title=title,
        dimension=dimension,
        states=present,
        rows=[(label, counts, sum(counts)) for (_order, label), counts in sorted(groups.items())],
    )


def _group_key(row: UnitRow) -> tuple[Any, str]:
    group = row.submission.organisation.group
    if group not in Organisation.Group.values:
        return (len(Organisation.Group.values), group)
    return (Organisation.Group.values.index(group), str(Organisation.Group(group).label))


def _region_key(row: UnitRow) -> tuple[Any, str]:
    region = row.submission.organisation.region
    if region is None:
        return ((1, 0, ""), _("Không thuộc vùng nào"))
    return ((0, region.order, region.code), region.name)


@login_required
@require_GET
def campaign_dashboard(request: AuthenticatedRequest, campaign_id: int) -> HttpResponse:
    """Where every unit of a campaign stands, by group and region; the late ones first, to remind."""
    user = request.user
    campaign = get_campaign_for_authority(user, campaign_id)
    today = timezone.localdate()
    rows = campaign_units(campaign, today)
    filters = {name: request.GET.get(name, "") for name in ("state", "group", "region")}
    shown = [
        row
        for row in rows
        if (not filters["state"] or row.submission.state == filters["state"])
        and (not filters["group"] or row.submission.organisation.group == filters["group"])
        and (not filters["region"] or row.region_code == filters["region"])
    ]
    groups = {row.submission.organisation.group for row in rows}
    regions = {row.region_code: _region_key(row) for row in rows}
    context = {
        "campaign": campaign,
        "breakdowns": [
            breakdown(rows, "by-group", _("Theo nhóm xếp hạng"), _("Nhóm"), _group_key),
            breakdown(rows, "by-region", _("Theo vùng"), _("Vùng"), _region_key),
        ],
        "rows": shown,
        "unit_count": len(rows),
        "late_count": sum(row.late for row in rows),
        "filters": filters,
        "state_choices": SubmissionState.choices,
        "group_choices": [(value, label) for value, label in Organisation.Group.choices if value in groups],
        "region_choices": [(code, key[1]) for code, key in sorted(regions.items(), key=lambda item: item[1])],
        "may_remind": user.is_administrator,
        "may_mark_focus": user.is_administrator,
    }
    return render(request, "submissions/campaign_dashboard.html", context)


@login_required
@require_POST
def campaign_remind(request: AuthenticatedRequest, campaign_id: int) -> HttpResponse:
    """Remind the people who act next on every overdue unit; say how many, and who was not reminded again."""
    user = request.user
    campaign = get_campaign_for_authority(user, campaign_id)
    with refusals_as_messages(request):
        count = remind_overdue(campaign_id=campaign.pk, by=user)
        messages.success(request, _("Đã gửi nhắc nhở đến %(count)s đơn vị.") % {"count": count})
        late = [row for row in campaign_units(campaign, timezone.localdate()) if row.late]
        reminded_today = sum(row.reminded for row in late)
        if reminded_today > count:
            messages.info(
                request,
                _("%(count)s đơn vị đã được nhắc nhở hôm nay nên không gửi lại.") % {"count": reminded_today - count},
            )
        if len(late) > reminded_today:
            messages.warning(
                request,
                _("%(count)s đơn vị quá hạn không có tài khoản nào để nhận nhắc nhở.")
                % {"count": len(late) - reminded_today},
            )
    return redirect("submissions:dashboard", campaign_id=campaign.pk)
