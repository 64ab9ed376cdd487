"""The component indices the national authority asks every unit to focus on in a campaign ("chỉ số cần
tập trung", seed 000), with the authority's note on each.

A campaign's marks are written here only: the administrator replaces the whole set at once, and a
campaign takes its framework's record of seed 000 (`Node.focus`) as its first set when it is opened,
or, for a past year's imported table, when it is created.

History: campaigns have no event table of their own. Each row keeps who marked it and when (a note
changed counts as marked again), and every change — marked, note changed, unmarked — is written once the
transaction commits to the `submissions.focus` log, one line each, as an audit trail that outlives a
row's removal.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Forbidden, InvalidEntries, WorkflowError
from common.text import normalise_newlines, text_problem
from indicators.models import Node

from ..models import Campaign, FocusIndex

audit = logging.getLogger("submissions.focus")

# A note says in a sentence or two why the index matters; the letter's own notes are one line each.
NOTE_LENGTH = 1000
# The note of a campaign's first marks, taken from the framework's record of seed 000.
SEED_NOTE = "Theo Văn bản số 3243/BTTTT-CĐSQG ngày 11/08/2023 của Bộ Thông tin và Truyền thông"


class Change(StrEnum):
    """What happened to one focus index, as the audit log says it."""

    MARKED = "marked"
    RENOTED = "renoted"
    UNMARKED = "unmarked"


@dataclass(frozen=True)
class FocusChanges:
    """What a replacement changed, by node key in framework order."""

    marked: list[str] = field(default_factory=list)
    renoted: list[str] = field(default_factory=list)
    unmarked: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.marked or self.renoted or self.unmarked)


@transaction.atomic
def mark_focus_indices(*, campaign_id: int, by: User, marks: Mapping[str, str]) -> FocusChanges:
    """Make `marks` (component key → note) the campaign's focus indices: keys absent are unmarked, notes
    changed are replaced, the rest is kept as it was (with who marked it and when).

    Only the authority's administrator marks, while the campaign runs: before it opens its framework may
    still change, and once published its method page says what the public read. Every key must be a
    component index of the campaign's framework, every note plain text of at most NOTE_LENGTH
    characters; otherwise nothing is saved and InvalidEntries names each refused key.
    """
    if not by.is_administrator:
        raise Forbidden(_("Chỉ quản trị viên được chọn chỉ số cần tập trung."))
    campaign = Campaign.objects.select_for_update().select_related("framework").get(pk=campaign_id)
    if campaign.state == Campaign.State.DRAFT:
        raise WorkflowError(
            _("Đợt đánh giá chưa mở; chỉ số cần tập trung được chọn sau khi mở đợt, theo bộ chỉ số của đợt.")
        )
    if campaign.state == Campaign.State.PUBLISHED:
        raise WorkflowError(_("Đợt đánh giá đã công bố; không thay đổi được."))
    components = {node.key: node for node in campaign.framework.nodes.filter(kind=Node.Kind.COMPONENT)}
    notes: dict[str, str] = {}
    refused: dict[str, dict[str, list[str]]] = {}
    for key, given in marks.items():
        note = normalise_newlines(given).strip()
        if key not in components:
            refused[key] = {"key": [_("“%(key)s” không phải chỉ số thành phần của bộ chỉ số %(framework)s.")
                                    % {"key": key, "framework": campaign.framework.code}]}  # fmt: skip
        elif (problem := text_problem(note)) is not None:
            refused[key] = {"note": [_("Ghi chú của chỉ số %(key)s: %(problem)s") % {"key": key, "problem": problem}]}
        elif len(note) > NOTE_LENGTH:
            refused[key] = {"note": [_("Ghi chú của chỉ số %(key)s dài %(length)s ký tự; tối đa %(most)s ký tự.")
                                     % {"key": key, "length": len(note), "most": NOTE_LENGTH}]}  # fmt: skip
        else:
            notes[key] = note
    if refused:
        raise InvalidEntries(refused)
    return _replace(campaign, {components[key]: note for key, note in notes.items()}, by)


def seed_focus_indices(*, campaign: Campaign, by: User | None) -> int:
    """Give a new campaign its framework's focus indices (seed 000's list, `Node.focus`) as its marks,
    each with the letter as its note; inside the caller's transaction, which holds the campaign. Returns
    how many it marked (none where the framework records no focus index)."""
    focus = campaign.framework.nodes.filter(kind=Node.Kind.COMPONENT, focus=True)
    return len(_replace(campaign, dict.fromkeys(focus, SEED_NOTE), by).marked)


def _replace(campaign: Campaign, marks: Mapping[Node, str], by: User | None) -> FocusChanges:
    """The one writer of a campaign's marks: the set becomes `marks`; the changes are logged on commit.

    The caller holds the campaign's row, which every writer locks first: the marks need no lock of their own.
    """
    now = timezone.now()
    current = {mark.node_id: mark for mark in FocusIndex.objects.filter(campaign=campaign).select_related("node")}
    wanted = {node.pk: (node, note) for node, note in marks.items()}
    gone = [mark for node_id, mark in current.items() if node_id not in wanted]
    new = [FocusIndex(campaign=campaign, node=node, note=note, marked_by=by, marked_at=now)
           for node_id, (node, note) in wanted.items() if node_id not in current]  # fmt: skip
    renoted = [mark for node_id, mark in current.items() if node_id in wanted and mark.note != wanted[node_id][1]]
    for mark in renoted:
        mark.note, mark.marked_by, mark.marked_at = wanted[mark.node_id][1], by, now
    if gone:
        FocusIndex.objects.filter(pk__in=[mark.pk for mark in gone]).delete()
    if new:
        FocusIndex.objects.bulk_create(new)
    if renoted:
        FocusIndex.objects.bulk_update(renoted, ["note", "marked_by", "marked_at"])
    changes = FocusChanges(marked=_keys(new), renoted=_keys(renoted), unmarked=_keys(gone))
    if changes:
        notes = {mark.node.key: mark.note for mark in [*new, *renoted]}
        transaction.on_commit(partial(_log, campaign.pk, changes, by.username if by else "-", notes))
    return changes


def _keys(marks: list[FocusIndex]) -> list[str]:
    return [mark.node.key for mark in sorted(marks, key=lambda mark: mark.node.order)]


def _log(campaign_id: int, changes: FocusChanges, who: str, notes: dict[str, str]) -> None:
    for change, keys in (
        (Change.MARKED, changes.marked),
        (Change.RENOTED, changes.renoted),
        (Change.UNMARKED, changes.unmarked),
    ):
        for key in keys:
            audit.info("campaign=%s index=%s %s by=%s note=%r", campaign_id, key, change, who, notes.get(key, ""))
