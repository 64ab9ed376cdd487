"""Publication as the submission stage sees it: the results stage (`rankings`) freezes a campaign's
snapshot and calls here, the one place it changes this stage's rows — locking the campaign, marking it
and its submissions published (each through the transition table), or recording a past year's
campaign for a table imported as published."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from common.errors import WorkflowError
from indicators.models import Framework

from ..models import Action, Campaign, Submission, SubmissionState
from .focus import seed_focus_indices
from .workflow import apply_transition

PUBLISHABLE_STATES = frozenset({SubmissionState.FINALISED, SubmissionState.PUBLISHED})


def lock_for_publication(*, campaign_id: int) -> tuple[Campaign, list[Submission]]:
    """Lock a campaign and its submissions for publishing (inside the caller's transaction).

    Raises WorkflowError while the campaign is not open or any unit's result is not finalised.
    """
    campaign = Campaign.objects.select_for_update().select_related("framework").get(pk=campaign_id)
    if campaign.state == Campaign.State.DRAFT:
        raise WorkflowError(_("Đợt đánh giá chưa mở."))
    submissions = list(
        Submission.objects.select_for_update().filter(campaign=campaign).select_related("organisation", "campaign")
    )
    waiting = sorted(s.unit_name for s in submissions if s.state not in PUBLISHABLE_STATES)
    if waiting:
        names = ", ".join(waiting[:10]) + (", …" if len(waiting) > 10 else "")
        raise WorkflowError(
            _("Còn %(count)s đơn vị chưa chốt kết quả: %(names)s.") % {"count": len(waiting), "names": names}
        )
    return campaign, submissions


def mark_campaign_published(
    *, campaign: Campaign, submissions: list[Submission], by: User, version: int, revision_note: str
) -> None:
    """Record that a campaign's results are published as `version`: each finalised submission takes the
    table's publish step (with its history row); the campaign is marked published."""
    now = timezone.now()
    for submission in submissions:
        if submission.state == SubmissionState.FINALISED:
            apply_transition(
                submission=submission,
                user=by,
                action=Action.PUBLISH,
                comment=revision_note,
                note={"version": version},
                at=now,
            )
    campaign.state = Campaign.State.PUBLISHED
    campaign.save(update_fields=["state"])


def past_campaign(*, framework: Framework, year: int, level: str, groups: list[str], by: User | None) -> Campaign:
    """The campaign a past year's published table belongs to; created, already published, on first import,
    with its framework's focus indices (seed 000) as its marks.

    Never a trial campaign of the same year and framework (the demo's, say), even once it is published:
    an official table is not filed under a trial."""
    labels: dict[str, str] = {Organisation.Level.PROVINCE: "cấp tỉnh", Organisation.Level.NATIONAL: "quốc gia"}
    level_label = labels.get(level, "cấp bộ")
    publication_day = datetime.date(year + 1, 12, 31)
    campaign, created = Campaign.objects.get_or_create(
        year=year,
        level=level,
        framework=framework,
        state=Campaign.State.PUBLISHED,
        is_trial=False,
        defaults={
            "name": f"DTI {year} {level_label} (kết quả đã công bố)",
            "groups": groups,
            "entry_opens": publication_day,
            "entry_closes": publication_day,
            "appraisal_closes": publication_day,
            "explanation_closes": publication_day,
            "final_appraisal_closes": publication_day,
            "publication_date": publication_day,
            "created_by": by,
        },
    )
    if created:
        # Born published, it is never opened: it takes its framework's focus indices now, for its method page.
        seed_focus_indices(campaign=campaign, by=by)
    return campaign
