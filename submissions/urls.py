from __future__ import annotations

from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("", views.submission_list, name="list"),
    path("notifications/", views.notification_list, name="notifications"),
    path("<int:submission_id>/", views.submission_detail, name="detail"),
    path("<int:submission_id>/transition/", views.submission_transition, name="transition"),
    path("<int:submission_id>/comment/", views.submission_comment, name="comment"),
    path("<int:submission_id>/excel/", views.submission_workbook, name="workbook"),
    path("<int:submission_id>/excel/import/", views.submission_import, name="import"),
    path("<int:submission_id>/answers/<path:leaf_key>/evidence/", views.evidence_upload, name="evidence-upload"),
    path("<int:submission_id>/answers/<path:leaf_key>/", views.answer_save, name="answer-save"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence-download"),
    path("evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence-remove"),
]
