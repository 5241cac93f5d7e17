from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    # Liaisons record their unit's contributions; office staff confirm or correct them.
    path(
        "my/projects/<int:pk>/contributions/new/",
        views.contribution_create_for_project,
        name="contribution-create-project",
    ),
    path(
        "my/pairings/<int:pk>/contributions/new/",
        views.contribution_create_for_pairing,
        name="contribution-create-pairing",
    ),
    path("my/contributions/", views.my_contributions, name="my-contributions"),
    path("contributions/<int:pk>/edit/", views.contribution_edit, name="contribution-edit"),
    path(
        "contributions/<int:pk>/evidence/",
        views.contribution_evidence,
        name="contribution-evidence",
    ),
    path("office/contributions/", views.contribution_list, name="contribution-list"),
    path(
        "office/contributions/confirm/",
        views.contribution_confirm_many,
        name="contribution-confirm-many",
    ),
    path(
        "office/contributions/<int:pk>/confirm/",
        views.contribution_confirm,
        name="contribution-confirm",
    ),
    # The year-end assessment
    path("office/assessment/<int:year>/", views.assessment_table, name="assessment"),
    path(
        "office/assessment/<int:year>/assessment.xlsx",
        views.assessment_export,
        name="assessment-export",
    ),
    path(
        "office/assessment/<int:year>/finalise/",
        views.assessment_finalise,
        name="assessment-finalise",
    ),
    path(
        "office/assessment/<int:year>/units/<int:unit_pk>/",
        views.assessment_rate,
        name="assessment-rate",
    ),
    # The unit's record and the annual report
    path("registry/units/<int:pk>/record/<int:year>/", views.unit_record, name="unit-record"),
    path(
        "registry/units/<int:pk>/record/<int:year>/record.pdf",
        views.unit_record_pdf,
        name="unit-record-pdf",
    ),
    path("reports/", views.annual_report_index, name="annual-report-index"),
    path("reports/<int:year>/", views.annual_report, name="annual-report"),
    path("reports/<int:year>/report.pdf", views.annual_report_pdf, name="annual-report-pdf"),
]
