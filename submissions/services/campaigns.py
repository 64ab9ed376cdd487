"""Opening a campaign: one submission per unit of its year, level and groups, with an answer per leaf."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from common.errors import WorkflowError

from ..models import Answer, Campaign, Submission
from .focus import seed_focus_indices


@transaction.atomic
def open_campaign(*, campaign: Campaign, by: User) -> int:
    """Open a campaign: one submission per unit of its year, level and groups, with an answer per leaf,
    and the framework's focus indices (seed 000) as the campaign's first marks.

    The framework must pass the integrity check unless the campaign is marked as a trial.
    Returns the number of submissions created.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state != Campaign.State.DRAFT:
        raise WorkflowError(_("Đợt đánh giá đã được mở."))
    if not campaign.framework.complete and not campaign.is_trial:
        raise WorkflowError(_("Bộ chỉ số chưa qua kiểm tra tính toàn vẹn; chỉ có thể mở ở chế độ chạy thử."))
    if not campaign.framework.applies_to(campaign.year) or campaign.framework.level != campaign.level:
        raise WorkflowError(_("Bộ chỉ số không áp dụng cho năm và cấp của đợt đánh giá."))
    units = Organisation.objects.of_level(campaign.level).valid_in(campaign.year).filter(group__in=campaign.groups)
    if not campaign.groups:
        raise WorkflowError(_("Đợt đánh giá chưa chọn nhóm đánh giá nào; chọn ít nhất một nhóm rồi mở lại."))
    if not units.exists():
        raise WorkflowError(
            _("Không có đơn vị nào thuộc nhóm %(groups)s ở cấp %(level)s năm %(year)s; kiểm tra nhóm đánh giá của đợt.")
            % {
                "groups": ", ".join(
                    str(Organisation.Group(group).label)
                    for group in campaign.groups
                    if group in Organisation.Group.values
                )
                or ", ".join(campaign.groups),
                "level": Organisation.Level(campaign.level).label,
                "year": campaign.year,
            }
        )
    submissions = Submission.objects.bulk_create(Submission(campaign=campaign, organisation=unit) for unit in units)
    leaves = list(campaign.framework.nodes.filter(children=None))
    Answer.objects.bulk_create(
        Answer(submission=submission, node=leaf) for submission in submissions for leaf in leaves
    )
    # The framework is fixed from now on (the admin freezes it once the campaign is open): its record of
    # the indices to focus on becomes the campaign's, which the administrator may then change.
    seed_focus_indices(campaign=campaign, by=by)
    campaign.state = Campaign.State.OPEN
    campaign.opened_at = timezone.now()
    campaign.save(update_fields=["state", "opened_at"])
    return len(submissions)
