"""The signed-in person's own page: who they are to the portal, and their API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .http import AuthenticatedRequest
from .services import revoke_api_token


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    """Name, organisation and roles, and the API tokens still alive, each with a button to end it."""
    context = {"person": request.user, "tokens": request.user.live_api_tokens(), "hours": settings.API_TOKEN_HOURS}
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def revoke_token(request: AuthenticatedRequest) -> HttpResponse:
    """End one of the person's own API tokens; another person's answers 404 like a missing one."""
    if not revoke_api_token(user=request.user, digest=request.POST.get("token", "")):
        raise Http404("No such token of this account")
    messages.success(request, _("Đã thu hồi mã truy cập API."))
    return redirect("accounts:profile")
