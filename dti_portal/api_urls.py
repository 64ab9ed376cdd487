"""The REST API, version 1: one router for every stage's endpoints."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api.views import OrganisationViewSet, TokenApi
from indicators.api.views import FrameworkViewSet
from rankings.api.views import (
    CampaignListApi,
    ExploreApi,
    OrganisationResultsApi,
    OrganisationWhatIfApi,
    RankingApi,
    RobustnessApi,
    SubmissionWhatIfApi,
)

router = DefaultRouter()
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("organisations", OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("auth/token/", TokenApi.as_view(), name="api-token"),
    path("rankings/robustness/", RobustnessApi.as_view(), name="api-rankings-robustness"),
    path("rankings/", RankingApi.as_view(), name="api-rankings"),
    path("rankings/explore/", ExploreApi.as_view(), name="api-rankings-explore"),
    path("campaigns/", CampaignListApi.as_view(), name="api-campaigns"),
    path("organisations/<str:code>/results/", OrganisationResultsApi.as_view(), name="api-organisation-results"),
    path("organisations/<str:code>/what-if/", OrganisationWhatIfApi.as_view(), name="api-organisation-what-if"),
    # A submission's what-if computes from the results stage, so its view is the rankings API's.
    path("submissions/<int:submission_id>/what-if/", SubmissionWhatIfApi.as_view(), name="api-submission-what-if"),
    path("", include("submissions.api.urls")),
    path("", include("webhooks.api.urls")),
    *router.urls,
]
