from __future__ import annotations

from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("<int:submission_id>/points-lost/", views.points_lost_report, name="points-lost"),
    path("<int:submission_id>/totals/", views.totals_fragment, name="totals"),
]
