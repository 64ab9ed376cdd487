"""The one primitive that moves a submission: a row of the transition table, applied under a lock
together with its history row. Nothing else in the portal assigns `Submission.state`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Forbidden, WorkflowError

from ..errors import AnswerInvalid
from ..models import TRANSITIONS, Action, Event, Submission, Transition, transition_for
from .notifications import notify_next_actors


def apply_transition(
    *,
    submission: Submission,
    user: User,
    action: str,
    comment: str = "",
    changes: dict[str, Any] | None = None,
    note: dict[str, Any] | None = None,
    at: Any = None,
) -> Transition:
    """Take the table's step `action` on a submission the caller has locked (`lock_submission`).

    Checks the row exists for the current state, that the user holds one of its roles where it
    counts, its reason and its guards; then writes the new state, `changes` (other fields of the
    submission that move with the step) and one history row, all in the caller's transaction.
    Raises WorkflowError when the step is not allowed now, Forbidden when it is not this user's,
    AnswerInvalid when a required reason is missing.
    """
    row = transition_for(submission.state, action)
    if row is None:
        raise WorkflowError(
            _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(state)s”.")
            % {"action": action, "state": submission.get_state_display()}
        )
    if not row.may_be_taken_by(user, submission.organisation_id):
        raise _refusal(submission, user, row)
    comment = comment.strip()
    if row.needs_reason and not comment:
        message = _("Phải nêu lý do khi trả lại.") if action == Action.RETURN else _("Phải nêu lý do mở lại.")
        raise AnswerInvalid({"comment": message})
    for guard in row.guards:
        guard(submission, user)
    old_state = submission.state
    at = at or timezone.now()
    submission.state = row.target
    submission.last_activity = at
    for name, value in (changes or {}).items():
        setattr(submission, name, value)
    submission.save(update_fields=["state", "last_activity", *(changes or {})])
    Event.objects.create(
        submission=submission,
        kind=row.event_kind,
        actor=user,
        at=at,
        from_state=old_state,
        to_state=row.target,
        new={"action": action, **(note or {})},
        comment=comment,
    )
    if row.notifies:
        notify_next_actors(submission=submission, actor=user, comment=comment)
    return row


def _refusal(submission: Submission, user: User, row: Transition) -> Exception:
    """Why a user who lacks this row's role is refused: a conflict when the step is theirs but was just
    taken (a double click, a colleague) or not their turn yet; a lack of rights otherwise."""
    previous_state = (
        submission.events.filter(kind=Event.Kind.TRANSITION)
        .order_by("-at", "-id")
        .values_list("from_state", flat=True)
        .first()
    )
    states = {previous_state or "", *states_after(submission.state)}
    organisation_id = submission.organisation_id
    if any(
        other.action == row.action and other.source in states and other.may_be_taken_by(user, organisation_id)
        for other in TRANSITIONS
    ):
        return WorkflowError(
            _("Hồ sơ đã chuyển sang trạng thái “%(state)s”; không thể “%(action)s” nữa.")
            % {"action": row.action, "state": submission.get_state_display()}
        )
    return Forbidden(_("Bạn không có vai trò để thực hiện bước này."))


def states_after(state: str) -> set[str]:
    """Every state the table can lead to from `state` by the steps people take."""
    found: set[str] = set()
    frontier = [state]
    while frontier:
        current = frontier.pop()
        for row in TRANSITIONS:
            if row.source == current and not row.by_system and row.target not in found:
                found.add(row.target)
                frontier.append(row.target)
    return found
