"""Webhooks listen to the stages below: a submission's steps and a campaign's publication.

Both signals are sent inside the step's transaction; `announce` writes the deliveries in it and sends
them after the commit. `appraisal.released` is the step that shows the unit its appraisal: the end of
the appraisal (the preliminary result the unit explains) and the finalising (the final result).
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from accounts.models import User
from rankings.models import Publication
from rankings.signals import campaign_published
from submissions.models import Action, Submission
from submissions.signals import submission_state_changed

from .models import AppraisalRound, WebhookEvent
from .services import announce

RELEASES: dict[str, AppraisalRound] = {
    Action.FINISH_APPRAISAL: AppraisalRound.PRELIMINARY,
    Action.FINALISE: AppraisalRound.FINAL,
}


@receiver(submission_state_changed)
def announce_the_step(
    sender: Any, submission: Submission, from_state: str, to_state: str, action: str, actor: User, **kwargs: Any
) -> None:
    unit = {
        "submission_id": submission.pk,
        "organisation_code": submission.organisation.code,
        "year": submission.campaign.year,
        "level": submission.campaign.level,
    }
    announce(
        event=WebhookEvent.SUBMISSION_STATE_CHANGED,
        data={**unit, "from_state": from_state, "to_state": to_state, "action": action},
        organisation_id=submission.organisation_id,
    )
    released = RELEASES.get(action)
    if released is not None:
        announce(
            event=WebhookEvent.APPRAISAL_RELEASED,
            data={**unit, "round": released.value},
            organisation_id=submission.organisation_id,
        )


@receiver(campaign_published)
def announce_the_publication(sender: Any, publication: Publication, **kwargs: Any) -> None:
    campaign = publication.campaign
    if campaign.is_trial:
        # A trial's results are for the portal's signed-in users, never for integrators (`Publication.official`).
        return
    announce(
        event=WebhookEvent.PUBLICATION_PUBLISHED,
        data={
            "campaign_id": campaign.pk,
            "year": campaign.year,
            "level": campaign.level,
            "publication_id": publication.pk,
            "version": publication.version,
            "published_on": timezone.localdate(publication.published_at).isoformat(),
        },
        organisation_id=None,
    )
