"""The one primitive that moves a submission: a row of the transition table, applied under a lock
together with its history row. Nothing else in the portal assigns `Submission.state`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from common.errors import Forbidden, WorkflowError

from ..errors import AnswerInvalid, StateChanged
from ..models import TRANSITIONS, Action, Event, Submission, Transition, transition_for
from ..signals import submission_state_changed
from .notifications import notify_next_actors

# A return's refusal without a reason; the approvers' summary shows it under its reason field.
RETURN_NEEDS_REASON = gettext_lazy("Phải nêu lý do khi trả lại.")


def apply_transition(
    *,
    submission: Submission,
    user: User,
    action: str,
    from_state: str | None = None,
    comment: str = "",
    changes: dict[str, Any] | None = None,
    note: dict[str, Any] | None = None,
    at: Any = None,
) -> Transition:
    """Take the table's step `action` on a submission the caller has locked (`lock_submission`).

    `from_state` is the state the person saw when they chose the step; a submission that has moved
    on since is refused (StateChanged, 409, with the state it is in now), so a double click, a
    stale tab or a colleague's step in between never takes a second step. None is for callers that
    read the state under the same lock (services acting on the authority's behalf).

    Checks, in order: that the user could take `action` at some point of the chain (else Forbidden,
    403: a matter of role), that it is theirs in the current state (else StateChanged or
    WorkflowError, 409: a matter of state), the reason (AnswerInvalid, 400) and the row's guards
    (separation of duties is Forbidden); then writes the new state, `changes` (other fields
    of the submission that move with the step) and one history row, in the caller's transaction.
    """
    organisation_id = submission.organisation_id
    if not any(row.action == action and row.may_be_taken_by(user, organisation_id) for row in TRANSITIONS):
        raise Forbidden(_("Bạn không có vai trò để thực hiện bước này."))
    if from_state is None and _just_taken(submission, user, action):
        from_state = submission.previous_state()
    if from_state is not None and from_state != submission.state:
        raise StateChanged(
            _("Hồ sơ đã chuyển sang trạng thái “%(state)s”; bước “%(action)s” không được thực hiện. Tải lại trang.")
            % {"action": _label(action), "state": submission.get_state_display()},
            state=submission.state,
        )
    row = transition_for(submission.state, action)
    if row is None or not row.may_be_taken_by(user, organisation_id):
        if row is not None and not _comes_later(submission, user, action):
            raise Forbidden(
                _("Bước “%(action)s” ở trạng thái “%(state)s” không thuộc vai trò của bạn.")
                % {"action": _label(action), "state": submission.get_state_display()}
            )
        # Not in this state: the user's turn for this action is still to come (or never in this state).
        raise WorkflowError(
            _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(state)s”.")
            % {"action": action, "state": submission.get_state_display()}
        )
    comment = comment.strip()
    if row.needs_reason and not comment:
        message = str(RETURN_NEEDS_REASON) if action == Action.RETURN else _("Phải nêu lý do mở lại.")
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
    submission_state_changed.send(
        sender=Submission, submission=submission, from_state=old_state, to_state=row.target, action=action, actor=user
    )
    return row


def _label(action: str) -> str:
    return str(Action(action).label) if action in Action.values else action


def _just_taken(submission: Submission, user: User, action: str) -> bool:
    """Whether `action` is this user's step from the state the submission just left and not from the one
    it is in: the step was taken a moment ago (by them or a colleague), so a repeat is a conflict."""
    here = transition_for(submission.state, action)
    if here is not None and here.may_be_taken_by(user, submission.organisation_id):
        return False
    before = transition_for(submission.previous_state() or "", action)
    return before is not None and before.may_be_taken_by(user, submission.organisation_id)


def _comes_later(submission: Submission, user: User, action: str) -> bool:
    """Whether the user takes `action` at a state the submission can still reach by people's steps."""
    ahead = states_after(submission.state)
    return any(
        row.action == action and row.source in ahead and row.may_be_taken_by(user, submission.organisation_id)
        for row in TRANSITIONS
    )


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
