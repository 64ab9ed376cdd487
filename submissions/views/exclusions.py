"""Coverage of each leaf in a campaign, and the leaves the administrator takes out of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedRequest
from common.pages import refusal_of, refusals_as_messages
from common.text import check_text
from submissions.access import (
    get_campaign_for_authority,
)
from submissions.forms import (
    ExclusionForm,
)
from submissions.models import (
    Exclusion,
)
from submissions.services.exclusions import exclude_leaf, leaf_coverage, revoke_exclusion


@login_required
def campaign_coverage(request: AuthenticatedRequest, campaign_id: int) -> HttpResponse:
    """Per leaf, the share of units that reported it; the administrator excludes or restores leaves."""
    user = request.user
    campaign = get_campaign_for_authority(user, campaign_id)
    if request.method == "POST":
        with refusals_as_messages(request):
            if "revoke" in request.POST:
                revoked = request.POST.get("revoke", "")
                if not (revoked.isascii() and revoked.isdigit()):
                    raise Http404("No such exclusion")
                exclusion = get_object_or_404(Exclusion, pk=int(revoked), campaign=campaign)
                reason = request.POST.get("reason", "")
                check_text(reason, field="reason")
                revoke_exclusion(exclusion_id=exclusion.pk, by=user, reason=reason)
                messages.success(request, _("Đã tính lại chỉ số %(code)s.") % {"code": exclusion.node.code})
            else:
                form = ExclusionForm(request.POST)
                if not form.is_valid():
                    raise refusal_of(form)
                exclude_leaf(campaign_id=campaign.pk, node_id=form.cleaned_data["node"], by=user,
                             reason=form.cleaned_data["reason"])  # fmt: skip
                messages.success(request, _("Đã loại chỉ số khỏi đánh giá; điểm sẽ được tính lại."))
        return redirect("submissions:coverage", campaign_id=campaign.pk)
    coverage = leaf_coverage(campaign)
    context = {
        "campaign": campaign,
        "coverage": coverage,
        "proposed": [item for item in coverage if item.proposed],
        "history": campaign.exclusions.select_related("node", "created_by", "revoked_by"),
        "is_admin": user.is_administrator,
    }
    return render(request, "submissions/coverage.html", context)
