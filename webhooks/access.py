"""Who may keep webhooks, and whose a webhook is.

A unit's IT lead keeps webhooks for their own unit; the authority's administrator keeps webhooks for
every unit. Anyone else is refused (403). Each person sees and deletes only their own webhooks: another
person's answers 404, never 403, so its existence is not revealed (the administrator reads every one in
the Django admin).
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role, User
from common.errors import Forbidden

from .models import Webhook


def check_may_keep_webhooks(user: User) -> None:
    if not (user.is_administrator or (user.has_role(Role.IT_LEAD) and user.organisation_id is not None)):
        raise Forbidden(
            _("Chỉ lãnh đạo cơ quan chuyên trách CNTT của đơn vị và quản trị viên hệ thống được đăng ký webhook.")
        )


def scope_of(user: User) -> int | None:
    """The unit whose events the user's webhooks hear; None for the administrator's: every unit."""
    check_may_keep_webhooks(user)
    return None if user.is_administrator else user.organisation_id


def still_entitled(webhook: Webhook) -> bool:
    """Whether the webhook's owner still holds the role it was registered with, at the same unit: a departed
    IT lead's or a switched-off account's webhook hears nothing more."""
    owner = webhook.owner
    if webhook.organisation_id is None:
        return owner.is_administrator
    return owner.may_act_as(Role.IT_LEAD, webhook.organisation_id)


def get_webhook_for_user(user: User, webhook_id: int) -> Webhook:
    """Return one of the user's own webhooks; anyone else's answers 404."""
    check_may_keep_webhooks(user)
    webhook = Webhook.objects.owned_by(user).select_related("organisation").filter(pk=webhook_id).first()
    if webhook is None:
        raise Http404("No such webhook")
    return webhook


def get_rw_webhook_for_user(user: User, webhook_id: int) -> Webhook:
    """Return a webhook the user may delete: the same rule as reading it, since only its owner sees it."""
    return get_webhook_for_user(user, webhook_id)
