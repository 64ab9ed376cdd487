"""The administrator's page of a campaign's focus indices ("chỉ số cần tập trung"): every component index of
its framework under its main index, a checkbox and a note each, saved all at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from accounts.models import User
from common.errors import InvalidEntries
from common.pages import refusals_as_messages
from indicators.models import Node
from submissions.access import get_campaign_for_authority
from submissions.models import Campaign, FocusIndex
from submissions.services.focus import NOTE_LENGTH, mark_focus_indices

# The checkboxes' name; each note's is NOTE_FIELD % the component's key.
FOCUS_FIELD = "focus"
NOTE_FIELD = "note-%s"


@dataclass
class FocusRow:
    """One component index as the page shows it: what is stored, or what was just typed."""

    node: Node
    mark: FocusIndex | None
    checked: bool
    note: str
    errors: list[str] = field(default_factory=list)

    @property
    def note_field(self) -> str:
        return NOTE_FIELD % self.node.key


@dataclass
class FocusGroup:
    main: Node
    pillar: Node | None
    rows: list[FocusRow]


@login_required
@require_http_methods(["GET", "POST"])
def campaign_focus(request: AuthenticatedRequest, campaign_id: int) -> HttpResponse:
    """The campaign's component indices with their marks; the administrator changes them in one save.
    A refused save shows the page again, with what was typed and each error next to its row."""
    user = request.user
    campaign = get_campaign_for_authority(user, campaign_id)
    posted: QueryDict | None = None
    refused: dict[str, dict[str, list[str]]] = {}
    status = 200
    if request.method == "POST":
        marks = {key: request.POST.get(NOTE_FIELD % key, "") for key in request.POST.getlist(FOCUS_FIELD)}
        with refusals_as_messages(request):
            try:
                changes = mark_focus_indices(campaign_id=campaign.pk, by=user, marks=marks)
            except InvalidEntries as error:
                # Not a message above the page: each refusal goes next to the row it is about.
                posted, refused, status = request.POST, error.entries, error.status
            else:
                messages.success(
                    request,
                    _("Đã lưu danh sách chỉ số cần tập trung: %(count)s chỉ số.") % {"count": len(marks)}
                    if changes
                    else _("Danh sách chỉ số cần tập trung không thay đổi."),
                )
        if posted is None:
            return redirect("submissions:focus", campaign_id=campaign.pk)
    groups = _groups(campaign, posted, refused)
    shown = {row.node.key for group in groups for row in group.rows}
    context = {
        "campaign": campaign,
        "groups": groups,
        "editable": _editable(user, campaign),
        "is_admin": user.is_administrator,
        "marked": sum(row.mark is not None for group in groups for row in group.rows),
        # A refused key that is no component of the framework has no row to sit next to.
        "stray": [message for key, fields in refused.items() if key not in shown for message in _messages(fields)],
        "note_length": NOTE_LENGTH,
        "focus_field": FOCUS_FIELD,
    }
    return render(request, "submissions/focus.html", context, status=status)


def _editable(user: User, campaign: Campaign) -> bool:
    return user.is_administrator and campaign.state == Campaign.State.OPEN


def _messages(fields: dict[str, list[str]]) -> list[str]:
    return [message for messages_ in fields.values() for message in messages_]


def _groups(campaign: Campaign, posted: QueryDict | None, refused: dict[str, dict[str, list[str]]]) -> list[FocusGroup]:
    """The framework's components under their main index, in framework order; two queries."""
    nodes = {node.pk: node for node in campaign.framework.nodes.order_by("order")}
    marks = {mark.node_id: mark for mark in campaign.focus_indices.select_related("marked_by")}
    checked = set(posted.getlist(FOCUS_FIELD)) if posted is not None else set()
    groups: dict[int, FocusGroup] = {}
    for node in nodes.values():
        if node.kind != Node.Kind.COMPONENT:
            continue
        main = node.main_index(nodes)
        if main.pk not in groups:
            pillar = next((above for above in main.ancestors(nodes) if above.kind == Node.Kind.PILLAR), None)
            groups[main.pk] = FocusGroup(main=main, pillar=pillar, rows=[])
        mark = marks.get(node.pk)
        row = FocusRow(node=node, mark=mark, checked=mark is not None, note=mark.note if mark else "")
        if posted is not None:
            row.checked, row.note = node.key in checked, posted.get(row.note_field, "")
        row.errors = _messages(refused.get(node.key, {}))
        groups[main.pk].rows.append(row)
    return list(groups.values())
