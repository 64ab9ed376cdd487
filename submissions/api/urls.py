from __future__ import annotations

from django.urls import path

from . import authority, records, views

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
    # So are a file's route and the reply's: "<path:leaf_code>/" would take them as part of the key.
    path(
        "submissions/<int:submission_id>/answers/<path:leaf_code>/evidence/",
        records.AnswerEvidenceApi.as_view(),
        name="api-answer-evidence",
    ),
    path(
        # Any last segment, not only digits: "…/evidence/-1/" would otherwise reach the answer route.
        "submissions/<int:submission_id>/answers/<path:leaf_code>/evidence/<str:evidence_id>/",
        records.EvidenceFileApi.as_view(),
        name="api-answer-evidence-file",
    ),
    path(
        "submissions/<int:submission_id>/answers/<path:leaf_code>/reply/",
        records.ReplyApi.as_view(),
        name="api-answer-reply",
    ),
    path(
        "submissions/<int:submission_id>/answers/<path:leaf_code>/appraisal/",
        views.AppraisalApi.as_view(),
        name="api-answer-appraisal",
    ),
    path("submissions/<int:submission_id>/answers/<path:leaf_code>/", views.AnswerApi.as_view(), name="api-answer"),
    path("submissions/<int:submission_id>/comments/", records.CommentListApi.as_view(), name="api-submission-comments"),
    path("submissions/<int:submission_id>/history/", records.HistoryApi.as_view(), name="api-submission-history"),
    path(
        "campaigns/<int:campaign_id>/authority-values/",
        authority.AuthorityValuesApi.as_view(),
        name="api-campaign-authority-values",
    ),
]
