"""The approvers' summary of a submission: the unit's IT lead and leader read where it stands, what is
missing and what changed since they last returned it, then approve or return it from the same page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages.storage.base import Message
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from submissions.access import get_submission_for_user
from submissions.models import Action, Submission
from submissions.queries import changes_since, steps_of
from submissions.sections import submission_overview
from submissions.services.workflow import RETURN_NEEDS_REASON

# The steps this page offers; the others (submitting, the authority's steps) have their own pages.
APPROVAL_ACTIONS = (Action.APPROVE, Action.RETURN)


@login_required
@require_GET
def approval_review(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """Anyone of the unit and the authority may read the summary; the form is for who may decide now."""
    submission = get_submission_for_user(request.user, submission_id)
    reason_error, other_messages = _reason_refusal(request)
    return render(
        request,
        "submissions/approval_review.html",
        {**_review_context(request, submission), "reason_error": reason_error, "messages": other_messages},
    )


def _review_context(request: AuthenticatedRequest, submission: Submission) -> dict[str, Any]:
    steps = steps_of(submission)
    overview = submission_overview(submission)
    allowed = submission.allowed_actions(request.user)
    return {
        "submission": submission,
        "last_step": steps.last,
        "returns": steps.returns,
        "changes": changes_since(submission, steps.returned_at) if steps.returned_at else None,
        "overview": overview,
        "actions": [
            {"action": action, "label": action.label, "secondary": action == Action.RETURN}
            for action in APPROVAL_ACTIONS
            if action in allowed
        ],
    }


def _reason_refusal(request: AuthenticatedRequest) -> tuple[str, list[Message]]:
    """The transition view reports a refused step as a message on the page it comes back to; a return
    without a reason belongs under the reason field, every other message stays above the page."""
    reason_error = ""
    others = []
    for message in messages.get_messages(request):
        if message.level == messages.ERROR and message.message == str(RETURN_NEEDS_REASON):
            reason_error = message.message
        else:
            others.append(message)
    return reason_error, others
