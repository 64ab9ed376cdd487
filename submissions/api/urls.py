from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("submissions/", views.SubmissionListApi.as_view(), name="api-submission-list"),
    path("submissions/<int:submission_id>/", views.SubmissionDetailApi.as_view(), name="api-submission-detail"),
    path(
        "submissions/<int:submission_id>/transitions/",
        views.TransitionApi.as_view(),
        name="api-submission-transitions",
    ),
    path("submissions/<int:submission_id>/answers/", views.AnswersApi.as_view(), name="api-answers"),
    path("submissions/<int:submission_id>/appraisal/", views.AppraisalBulkApi.as_view(), name="api-appraisal"),
    # Leaf keys may contain "/" ("CQS/5.9.2"), so the evidence route is tried before the answer route.
    path(
        "submissions/<int:submission_id>/answers/<path:leaf_code>/evidence/",
        views.EvidenceApi.as_view(),
        name="api-answer-evidence",
    ),
    path(
        "submissions/<int:submission_id>/answers/<path:leaf_code>/appraisal/",
        views.AppraisalApi.as_view(),
        name="api-answer-appraisal",
    ),
    path("submissions/<int:submission_id>/answers/<path:leaf_code>/", views.AnswerApi.as_view(), name="api-answer"),
]
