from __future__ import annotations

from django.urls import path

from . import appraisal_views, views

app_name = "submissions"

urlpatterns = [
    path("", views.submission_list, name="list"),
    path("notifications/", views.notification_list, name="notifications"),
    path("appraisal/", appraisal_views.appraisal_queue, name="queue"),
    path("campaigns/<int:campaign_id>/authority-values/", appraisal_views.authority_values, name="authority-values"),
    path("campaigns/<int:campaign_id>/coverage/", appraisal_views.campaign_coverage, name="coverage"),
    path("<int:submission_id>/review/", appraisal_views.submission_review, name="review"),
    path("<int:submission_id>/review/accept/", appraisal_views.review_accept_undecided, name="review-accept"),
    path("<int:submission_id>/experts/", appraisal_views.expert_panel, name="experts"),
    path("<int:submission_id>/", views.submission_detail, name="detail"),
    path("<int:submission_id>/transition/", views.submission_transition, name="transition"),
    path("<int:submission_id>/comment/", views.submission_comment, name="comment"),
    path("<int:submission_id>/excel/", views.submission_workbook, name="workbook"),
    path("<int:submission_id>/excel/import/", views.submission_import, name="import"),
    path("<int:submission_id>/answers/<path:leaf_key>/evidence/", views.evidence_upload, name="evidence-upload"),
    path("<int:submission_id>/answers/<path:leaf_key>/appraisal/", appraisal_views.answer_appraise, name="appraise"),
    path(
        "<int:submission_id>/answers/<path:leaf_key>/authority/",
        appraisal_views.answer_authority_value,
        name="authority-value",
    ),
    path("<int:submission_id>/answers/<path:leaf_key>/reply/", appraisal_views.answer_reply, name="reply"),
    path("<int:submission_id>/answers/<path:leaf_key>/", views.answer_save, name="answer-save"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence-download"),
    path("evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence-remove"),
]
