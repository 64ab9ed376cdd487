"""Background work of data entry: e-mails for notifications and reminders before the deadline."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone


@shared_task(name="submissions.send_notification_emails")
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notification to its user (those with an address); safe to run twice for the same ids."""
    from submissions.models import Notification

    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        if notification.user.email:
            send_mail(
                subject=f"[DTI] {notification.message[:80]}",
                message=notification.message,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.user.email],
            )
            sent += 1
    return sent


@shared_task(name="submissions.remind_entry_deadline")
def remind_entry_deadline(days_before: int = 3) -> int:
    """Remind reporters of units still in draft that the entry deadline is `days_before` days away."""
    from submissions.models import Campaign, Notification, Submission, SubmissionState

    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=days_before)
    created = 0
    for submission in Submission.objects.filter(
        campaign__state=Campaign.State.OPEN, campaign__entry_closes=deadline, state=SubmissionState.DRAFT
    ).select_related("campaign", "organisation"):
        message = (
            f"{submission.unit_name} — {submission.campaign.name}: "
            f"còn {days_before} ngày đến hạn nhập số liệu ({submission.campaign.entry_closes:%d/%m/%Y})."
        )
        for user in submission.organisation.users.filter(is_active=True):
            if (
                user.has_role("reporter")
                and not Notification.objects.filter(user=user, submission=submission, message=message).exists()
            ):
                Notification.objects.create(user=user, submission=submission, message=message)
                created += 1
    return created


@shared_task(name="submissions.read_document", soft_time_limit=settings.EVIDENCE_READ_SECONDS + 60)
def read_document_task(document_id: int) -> str:
    """Read one evidence document (`submissions.services.documents.read_document`); its text status."""
    from submissions.services.documents import read_document

    return str(read_document(document_id=document_id).text_status)


@shared_task(name="submissions.requeue_unread_documents")
def requeue_unread_documents_task() -> int:
    """Queue again documents still unread long after their upload."""
    from submissions.services.documents import requeue_unread_documents

    return len(requeue_unread_documents())
