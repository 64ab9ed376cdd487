from __future__ import annotations

from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.framework_list, name="framework-list"),
    path("<slug:code>/", views.framework_detail, name="framework-detail"),
    path("<slug:code>/compare/", views.framework_compare, name="framework-compare"),
]
