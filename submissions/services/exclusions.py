"""How many units reported each leaf, and leaves taken out of a campaign for every unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Forbidden, WorkflowError
from indicators.models import Node

from ..errors import AnswerInvalid
from ..models import Campaign, Exclusion, answered_filter
from ..signals import campaign_values_changed


@dataclass
class LeafCoverage:
    node: Node
    reported: int
    units: int
    exclusion: Exclusion | None

    @property
    def share(self) -> Decimal:
        return Decimal(self.reported) / Decimal(self.units) if self.units else Decimal(0)

    @property
    def proposed(self) -> bool:
        """Seed 001's rule: a leaf fewer than half the units could report is proposed for exclusion."""
        return self.exclusion is None and self.share < Decimal("0.5")


def leaf_coverage(campaign: Campaign) -> list[LeafCoverage]:
    """Per self-reported leaf, how many of the campaign's units reported it; three queries."""
    answered = answered_filter("answers__")
    scope = Q(answers__submission__campaign=campaign)
    leaves = (
        campaign.framework.nodes.filter(children=None, source=Node.Source.SELF_REPORT)
        .annotate(reported=Count("answers", filter=scope & answered), units=Count("answers", filter=scope))
        .order_by("order")
    )
    exclusions = {exclusion.node_id: exclusion for exclusion in campaign.exclusions.active()}
    return [LeafCoverage(leaf, leaf.reported, leaf.units, exclusions.get(leaf.pk)) for leaf in leaves]


@transaction.atomic
def exclude_leaf(*, campaign_id: int, node_id: int, by: User, reason: str) -> Exclusion:
    """Take a leaf out of a campaign for every unit: out of every score and every max."""
    if not by.is_administrator:
        raise Forbidden(_("Chỉ quản trị viên được loại chỉ số khỏi đánh giá."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.state == Campaign.State.PUBLISHED:
        raise WorkflowError(_("Đợt đánh giá đã công bố; không thay đổi được."))
    reason = reason.strip()
    if not reason:
        raise AnswerInvalid({"reason": _("Phải nêu lý do loại chỉ số.")})
    node = campaign.framework.nodes.filter(pk=node_id, children=None).first()
    if node is None:
        raise WorkflowError(_("Chỉ loại được chỉ số lá của bộ chỉ số của đợt đánh giá."))
    if campaign.exclusions.active().filter(node=node).exists():
        raise WorkflowError(_("Chỉ số %(code)s đã bị loại.") % {"code": node.code})
    coverage = next((item for item in leaf_coverage(campaign) if item.node.pk == node.pk), None)
    exclusion = Exclusion.objects.create(
        campaign=campaign,
        node=node,
        reason=reason,
        coverage=coverage.share.quantize(Decimal("0.0001")) if coverage else None,
        created_by=by,
    )
    campaign_values_changed.send(sender=Exclusion, campaign_id=campaign.pk)
    return exclusion


@transaction.atomic
def revoke_exclusion(*, exclusion_id: int, by: User, reason: str) -> Exclusion:
    """Count an excluded leaf again; the exclusion stays on record with why it was revoked."""
    if not by.is_administrator:
        raise Forbidden(_("Chỉ quản trị viên được loại chỉ số khỏi đánh giá."))
    exclusion = Exclusion.objects.select_for_update().select_related("campaign").get(pk=exclusion_id)
    if exclusion.campaign.state == Campaign.State.PUBLISHED:
        raise WorkflowError(_("Đợt đánh giá đã công bố; không thay đổi được."))
    if not reason.strip():
        raise AnswerInvalid({"reason": _("Phải nêu lý do.")})
    if exclusion.revoked_at is None:
        exclusion.revoked_at, exclusion.revoked_by, exclusion.revoke_reason = timezone.now(), by, reason.strip()
        exclusion.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        campaign_values_changed.send(sender=Exclusion, campaign_id=exclusion.campaign_id)
    return exclusion
