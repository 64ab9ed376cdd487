from __future__ import annotations

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/revoke/", views.revoke_token, name="revoke-token"),
    path("departments/", views.departments, name="departments"),
    path("departments/import/", views.import_departments_sheet, name="departments-import"),
    path("departments/template.xlsx", views.departments_template, name="departments-template"),
    path("departments/<int:department_id>/", views.department, name="department"),
    path("departments/<int:department_id>/remove/", views.remove_department_page, name="department-remove"),
]
