"""The approval chain inside the unit and the authority's hand-backs: each a row of the transition
table taken through `apply_transition`; and reopening data entry for one unit after the deadline."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Forbidden, WorkflowError

from ..errors import AnswerInvalid
from ..models import TRANSITIONS, Action, Submission, transition_for
from .locks import lock_submission
from .workflow import apply_transition


@transaction.atomic
def transition_submission(
    *, submission_id: int, user: User, action: str, from_state: str | None = None, comment: str = ""
) -> Submission:
    """Take one step of the table, as a person asks from a page or the API, on the state they saw
    (`from_state`; the pages and the API always send it).

    Raises WorkflowError when the action is not allowed in the current state (or is incomplete),
    Forbidden when the user lacks the role, belongs elsewhere or would approve their own work,
    AnswerInvalid when a required reason is missing.
    """
    submission = lock_submission(submission_id)
    if any(row.action == action and row.by_system for row in TRANSITIONS):
        # Publication and reopening entry are taken by their services, with what they need (a date).
        raise (
            WorkflowError(_("Bước này không thực hiện trực tiếp được."))
            if user.is_administrator
            else Forbidden(_("Bạn không có vai trò để thực hiện bước này."))
        )
    apply_transition(submission=submission, user=user, action=action, from_state=from_state, comment=comment)
    return submission


@transaction.atomic
def reopen_submission(*, submission_id: int, by: User, until: datetime.date, reason: str) -> Submission:
    """Let one unit edit again until a date after the entry deadline; logged with the reason."""
    if not by.is_administrator:
        raise Forbidden(_("Chỉ quản trị viên được mở lại nhập liệu."))
    if not reason.strip():
        raise AnswerInvalid({"reason": _("Phải nêu lý do mở lại.")})
    submission = lock_submission(submission_id)
    if transition_for(submission.state, Action.REOPEN_ENTRY) is None:
        raise WorkflowError(_("Hồ sơ đã qua bước thẩm định, không mở lại nhập liệu được."))
    apply_transition(
        submission=submission,
        user=by,
        action=Action.REOPEN_ENTRY,
        comment=reason,
        changes={"reopened_until": until},
        note={"until": until.isoformat()},
    )
    return submission
