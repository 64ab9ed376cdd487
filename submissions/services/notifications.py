"""Telling whoever acts next that a submission waits for them: in the app, and by e-mail after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AUTHORITY_ROLES, Organisation, Role, User
from common.errors import Forbidden

from ..models import AUTHORITY_STATES, TRANSITIONS, Event, Notification, Submission, SubmissionState
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
    _notify([Notification(user=user, submission=submission, message=message) for user in recipients])


def _notify(notifications: list[Notification]) -> None:
    """Save in-app notifications and e-mail them once the caller's transaction commits."""
    created = Notification.objects.bulk_create(notifications)
    if created:
        ids = [notification.pk for notification in created]

        def send_emails() -> None:
            send_notification_emails.delay(ids)

        # Robust: with the broker down the step is still taken and the notes are in the app; only
        # the e-mails are lost, and the failure is logged instead of failing the request.
        transaction.on_commit(send_emails, robust=True)


def acting_next(submission: Submission, unit_people: Iterable[User], appraisers: Iterable[User]) -> list[User]:
    """Whoever the submission waits for, as `Submission.objects.awaiting` sees it: the unit's holders of the
    role whose step comes next; with the authority, its assigned appraiser, or every appraiser while none is.

    `unit_people` are the active users of the submission's unit, `appraisers` the authority's active
    appraisers (loaded once by the caller for many submissions).
    """
    roles = {role for row in TRANSITIONS if row.source == submission.state and not row.by_system for role in row.roles}
    people = [user for user in unit_people if any(user.has_role(role) for role in roles - AUTHORITY_ROLES)]
    if Role.APPRAISER in roles:
        assigned = [user for user in appraisers if user.pk == submission.appraiser_id]
        people += assigned if submission.appraiser_id is not None else list(appraisers)
    return people


@transaction.atomic
def remind_overdue(*, campaign_id: int, by: User) -> int:
    """Remind the people who act next on each of the campaign's overdue submissions (in-app and by e-mail),
    naming the deadline; returns how many submissions were reminded.

    A unit is reminded at most once a day: one already reminded today is left alone, so a second click
    (or a colleague's) sends nothing. Each reminder is a history row of the submission. A submission
    with nobody to remind (no account for the role) is not counted.
    """
    if not by.is_administrator:
        raise Forbidden(_("Chỉ quản trị hệ thống được gửi nhắc nhở."))
    today = timezone.localdate()
    # Locked, so that two reminders sent at once see each other's history row and only one is sent.
    submissions = [
        submission
        for submission in Submission.objects.select_for_update(of=("self",))
        .filter(campaign_id=campaign_id)
        .select_related("campaign", "organisation", "appraiser")
        .with_reminder_on(today)
        .order_by("pk")
        if submission.is_late(today) and not submission.reminded
    ]
    if not submissions:
        return 0
    unit_people: dict[int, list[User]] = {}
    for user in User.objects.filter(is_active=True, organisation_id__in={s.organisation_id for s in submissions}):
        unit_people.setdefault(user.organisation_id or 0, []).append(user)
    appraisers = [
        user
        for user in User.objects.filter(is_active=True, organisation__level=Organisation.Level.AUTHORITY)
        if user.is_appraiser
    ]
    notifications: list[Notification] = []
    reminded = 0
    for submission in submissions:
        recipients = [
            user
            for user in acting_next(submission, unit_people.get(submission.organisation_id, []), appraisers)
            if user.pk != by.pk
        ]
        if not recipients:
            continue
        deadline = submission.due_date()
        assert deadline is not None, "a late submission has a deadline"
        message = _(
            "Nhắc nhở: %(unit)s — %(campaign)s đã quá hạn ngày %(deadline)s (%(state)s). Đề nghị hoàn thành sớm."
        ) % {
            "unit": submission.unit_name,
            "campaign": submission.campaign.name,
            "deadline": deadline.strftime("%d/%m/%Y"),
            "state": submission.get_state_display(),
        }
        notifications += [Notification(user=user, submission=submission, message=message) for user in recipients]
        Event.objects.create(
            submission=submission,
            kind=Event.Kind.REMINDED,
            actor=by,
            new={
                "state": submission.state,
                "deadline": deadline.isoformat(),
                "recipients": sorted(user.username for user in recipients),
            },
            comment=message,
        )
        reminded += 1
    _notify(notifications)
    return reminded
