"""Pages and endpoints that belong to the portal as a whole."""

from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error

from accounts.http import AuthenticatedRequest
from accounts.models import Role, User
from submissions.models import Campaign, Submission

from . import __version__
from .api_errors import refused_request_answer
from .health import broker_status, database_answers
from .outage import is_database_outage, outage_response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report the database, the broker and the version; 200 whenever the database answers."""
    database_ok = database_answers()
    body = {
        "database": "ok" if database_ok else "down",
        "broker": broker_status(),
        "version": __version__,
    }
    return JsonResponse(body, status=200 if database_ok else 503)


@login_required
@require_GET
def start(request: AuthenticatedRequest) -> HttpResponse:
    """Where a person lands after logging in (LOGIN_REDIRECT_URL): the work that waits for them.

    A `next` given to the login form still wins; Django sends the person there instead.
    """
    return redirect(landing_url(request.user))


def landing_url(user: User) -> str:
    """The page a user's work starts from, by their strongest role: administrator, appraiser, a leader
    or IT lead with something waiting for them, reporter; anyone else the list of their unit's work."""
    submission_list = reverse("submissions:list")
    if user.is_administrator:
        campaign = Campaign.objects.running().first()
        return reverse("submissions:dashboard", args=[campaign.pk]) if campaign else submission_list
    if user.is_appraiser:
        return reverse("submissions:queue")
    approves = user.has_role(Role.IT_LEAD) or user.has_role(Role.LEADER)
    if approves:
        awaiting = list(Submission.objects.awaiting(user).only("pk")[:2])
        if len(awaiting) == 1:
            # The approvers' summary: what changed, the totals and the decision on one page.
            return reverse("submissions:approval", args=[awaiting[0].pk])
        if awaiting or not user.has_role(Role.REPORTER):
            return f"{submission_list}?awaiting=1"
    if user.has_role(Role.REPORTER):
        current = list(Submission.objects.visible_to(user).filter(campaign__state=Campaign.State.OPEN).only("pk")[:2])
        if len(current) == 1:
            return current[0].get_absolute_url()
        if current:
            return submission_list
    return submission_list if user.organisation_id else reverse("home")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: JSON under /api/ (integrators parse it), the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Không tìm thấy."}, status=404)
    return page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON under /api/, the portal's page elsewhere; 503 when the error is a database outage met
    outside any view (a middleware reading the session or the user)."""
    error = sys.exc_info()[1]
    if is_database_outage(error):
        assert error is not None
        return outage_response(request, error)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Lỗi hệ thống; vui lòng thử lại sau."}, status=500)
    return django_server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 for a request refused before any view (a body too big, a forged Host): JSON under /api/."""
    if request.path.startswith("/api/"):
        status, message = (
            refused_request_answer(exception)
            if isinstance(exception, SuspiciousOperation)
            else (400, _("Yêu cầu không hợp lệ."))
        )
        return JsonResponse({"detail": message}, status=status)
    return django_bad_request(request, exception)
