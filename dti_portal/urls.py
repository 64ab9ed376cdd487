"""The portal's URLs. Each stage's app adds its own pages and API routes here."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from rankings import views as rankings_views

from . import views

urlpatterns = [
    path("", rankings_views.home, name="home"),
    path("start/", views.start, name="start"),
    path("results/", include("rankings.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("frameworks/", include("indicators.urls")),
    path("submissions/", include("submissions.urls")),
    path("submissions/", include("scoring.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("dti_portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "dti_portal.views.bad_request"
handler404 = "dti_portal.views.not_found"
handler500 = "dti_portal.views.server_error"
