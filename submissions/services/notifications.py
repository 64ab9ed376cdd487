"""Telling whoever acts next that a submission waits for them: in the app, and by e-mail after commit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User

from ..models import AUTHORITY_STATES, Notification, Submission, SubmissionState
from ..tasks import send_notification_emails

NEXT_ACTOR_ROLE = {
    SubmissionState.DRAFT: Role.REPORTER,
    SubmissionState.AWAITING_IT_LEAD: Role.IT_LEAD,
    SubmissionState.AWAITING_LEADER: Role.LEADER,
    SubmissionState.EXPLANATION_AWAITING_LEADER: Role.LEADER,
}


def notify_next_actors(*, submission: Submission, actor: User, comment: str) -> None:
    """Tell whoever acts next (in-app, and by e-mail after commit) that the submission waits for them.

    The unit's people for its own steps (all of them when the authority hands back a result); the
    assigned appraiser when the submission is with the authority.
    """
    role = NEXT_ACTOR_ROLE.get(SubmissionState(submission.state))
    if submission.state in AUTHORITY_STATES:
        recipients = [submission.appraiser] if submission.appraiser and submission.appraiser.is_active else []
    elif role is None:
        recipients = list(submission.organisation.users.filter(is_active=True))
    else:
        recipients = [user for user in submission.organisation.users.filter(is_active=True) if user.has_role(role)]
    recipients = [user for user in recipients if user.pk != actor.pk]
    message = _("%(unit)s — %(campaign)s: %(state)s.") % {
        "unit": submission.unit_name,
        "campaign": submission.campaign.name,
        "state": submission.get_state_display(),
    }
    if comment:
        message += " " + _("Ý kiến: %(comment)s") % {"comment": comment}
    notifications = Notification.objects.bulk_create(
        Notification(user=user, submission=submission, message=message) for user in recipients
    )
    if notifications:
        ids = [notification.pk for notification in notifications]

        def send_emails() -> None:
            send_notification_emails.delay(ids)

        # Robust: with the broker down the step is still taken and the notes are in the app; only
        # the e-mails are lost, and the failure is logged instead of failing the request.
        transaction.on_commit(send_emails, robust=True)
