from __future__ import annotations

from django.urls import path

from .views import (
    appraisal,
    approval,
    authority_values,
    dashboard,
    entry,
    evidence,
    exclusions,
    expert_panel,
    focus,
    sections,
)

app_name = "submissions"

urlpatterns = [
    path("", entry.submission_list, name="list"),
    path("notifications/", entry.notification_list, name="notifications"),
    path("appraisal/", appraisal.appraisal_queue, name="queue"),
    path("campaigns/<int:campaign_id>/authority-values/", authority_values.authority_values, name="authority-values"),
    path("campaigns/<int:campaign_id>/coverage/", exclusions.campaign_coverage, name="coverage"),
    path("campaigns/<int:campaign_id>/dashboard/", dashboard.campaign_dashboard, name="dashboard"),
    path("campaigns/<int:campaign_id>/focus/", focus.campaign_focus, name="focus"),
    path("campaigns/<int:campaign_id>/remind/", dashboard.campaign_remind, name="remind"),
    path("<int:submission_id>/review/", appraisal.submission_review, name="review"),
    path("<int:submission_id>/review/accept/", appraisal.review_accept_undecided, name="review-accept"),
    path("<int:submission_id>/approval/", approval.approval_review, name="approval"),
    path("<int:submission_id>/experts/", expert_panel.expert_panel, name="experts"),
    path("<int:submission_id>/", sections.submission_overview_page, name="detail"),
    path("<int:submission_id>/sections/<path:section_key>/", sections.section_page, name="section"),
    path("<int:submission_id>/submit/", sections.submit_summary, name="submit"),
    path("<int:submission_id>/transition/", entry.submission_transition, name="transition"),
    path("<int:submission_id>/comment/", entry.submission_comment, name="comment"),
    path("<int:submission_id>/excel/", entry.submission_workbook, name="workbook"),
    path("<int:submission_id>/excel/import/", entry.submission_import, name="import"),
    path("<int:submission_id>/answers/<path:leaf_key>/evidence/", sections.evidence_upload, name="evidence-upload"),
    path("<int:submission_id>/answers/<path:leaf_key>/card/", sections.leaf_card, name="leaf"),
    path("<int:submission_id>/excel/import/apply/", entry.submission_import_apply, name="import-apply"),
    path("<int:submission_id>/answers/<path:leaf_key>/appraisal/", appraisal.answer_appraise, name="appraise"),
    path(
        "<int:submission_id>/answers/<path:leaf_key>/authority/",
        authority_values.answer_authority_value,
        name="authority-value",
    ),
    path("<int:submission_id>/answers/<path:leaf_key>/reply/", appraisal.answer_reply, name="reply"),
    path("<int:submission_id>/answers/<path:leaf_key>/", sections.answer_save, name="answer-save"),
    path("evidence/<int:evidence_id>/", entry.evidence_download, name="evidence-download"),
    path("evidence/<int:evidence_id>/view/", evidence.evidence_viewer, name="evidence-view"),
    path("evidence/<int:evidence_id>/pages/<int:page>.png", evidence.evidence_page_image, name="evidence-page"),
    path("<int:submission_id>/documents/", evidence.document_library, name="documents"),
    path("<int:submission_id>/documents/attach/", evidence.document_attach, name="document-attach"),
    path(
        "<int:submission_id>/documents/<int:document_id>/identity/",
        evidence.document_identity,
        name="document-identity",
    ),
    path("campaigns/<int:campaign_id>/evidence-search/", evidence.evidence_search, name="evidence-search"),
    path("evidence/<int:evidence_id>/remove/", entry.evidence_remove, name="evidence-remove"),
]
