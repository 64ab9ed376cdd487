from __future__ import annotations

from django.urls import path

from . import views

app_name = "rankings"

urlpatterns = [
    path("", views.results_index, name="index"),
    # Before the ranking tables' pattern, which would take "national" for a level.
    path("<int:year>/national/", views.national, name="national"),
    path("<int:year>/<str:level>/", views.ranking, name="ranking"),
    path("<int:year>/<str:level>/preview.png", views.preview, name="preview"),
    path("<int:year>/<str:level>/methodology/", views.methodology, name="methodology"),
    path("<int:year>/<str:level>/report/", views.national_report, name="report"),
    path("units/<str:code>/", views.profile, name="profile"),
    path("units/<str:code>/what-if/", views.what_if, name="what-if"),
    path("compare/", views.compare, name="compare"),
]
