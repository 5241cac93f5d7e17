from django.urls import path

from . import views

app_name = "district"

urlpatterns = [
    path("district/", views.rollup_page, name="rollup"),
    path("district/report/<int:year>/", views.report_page, name="report"),
    path("district/report/<int:year>.pdf", views.report_pdf, name="report-pdf"),
]
