from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("generate/", views.plan_generate, name="generate"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/items/<int:item_id>/", views.plan_item, name="item"),
    path("<int:plan_id>/approve/", views.plan_approve, name="approve"),
    path("<int:plan_id>/reopen/", views.plan_reopen, name="reopen"),
    path("<int:plan_id>/plan.docx", views.plan_word, name="docx"),
    path("<int:plan_id>/plan.pdf", views.plan_pdf_download, name="pdf"),
]
