"""The REST API, version 1: one router for every stage's endpoints."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from accounts.api.views import OrganisationViewSet
from indicators.api.views import FrameworkViewSet

router = DefaultRouter()
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("organisations", OrganisationViewSet, basename="organisation")

urlpatterns = router.urls
