"""The portal's URLs. Each stage's app adds its own pages and API routes here."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from rankings import views as rankings_views

from . import views

urlpatterns = [
    path("", rankings_views.home, name="home"),
    path("start/", views.start, name="start"),
    # Outside the results' namespace, so that the navigation marks the explorer, not the results, as the page.
    path("results/explore/", rankings_views.explore, name="explore"),
    path("results/", include("rankings.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("frameworks/", include("indicators.urls")),
    path("submissions/", include("submissions.urls")),
    path("submissions/", include("scoring.urls")),
    path("accounts/", include("accounts.urls")),
    path("plans/", include("plans.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language switch sets only the visitor's language cookie, so it takes no CSRF token: the public's
    # pages carry none, and a proxy may then keep one copy for every reader (rankings.caching).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("dti_portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "dti_portal.views.bad_request"
handler404 = "dti_portal.views.not_found"
handler500 = "dti_portal.views.server_error"
