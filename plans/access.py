"""The one place that decides who may see or change an improvement plan.

A unit's plans are read by its own users and by the authority; another unit's plan answers 404, so its
existence is not revealed. Changing one takes the unit's office or leader (`services` checks which step).
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import UNIT_ROLES, User
from common.errors import Forbidden

from .models import ImprovementPlan
from .services import may_edit


def may_read_unit(user: User, organisation_id: int) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_authority:
        return True
    return user.organisation_id == organisation_id and any(user.has_role(role) for role in UNIT_ROLES)


def get_plan_for_user(user: User, plan_id: int) -> ImprovementPlan:
    plan = ImprovementPlan.objects.select_related("organisation", "campaign__framework").filter(pk=plan_id).first()
    if plan is None or not may_read_unit(user, plan.organisation_id):
        raise Http404("No such plan")
    return plan


def get_rw_plan_for_user(user: User, plan_id: int) -> ImprovementPlan:
    plan = get_plan_for_user(user, plan_id)
    if not may_edit(user, plan.organisation_id):
        raise Forbidden(_("Tài khoản của bạn chỉ được xem kế hoạch này."))
    return plan
