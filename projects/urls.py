from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    # Public board, needs, staff triage and project editing
    path("projects/", views.project_list, name="project-list"),
    path("projects/archive/", views.project_archive, name="project-archive"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("needs/new/", views.need_create, name="need-create"),
    path("needs/track/<str:tracking_code>/", views.need_track, name="need-track"),
    path("office/needs/", views.need_inbox, name="need-inbox"),
    path("office/needs/<int:pk>/decline/", views.need_decline, name="need-decline"),
    path("office/needs/<int:pk>/link/", views.need_link, name="need-link"),
    path("office/projects/new/", views.project_create, name="project-create"),
    path("office/projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("office/projects/<int:pk>/status/", views.project_transition, name="project-transition"),
    # Joint meeting, adoption, renewals and the liaison portal
    path("office/meetings/", views.meeting_list, name="meeting-list"),
    path("office/meetings/new/", views.meeting_create, name="meeting-create"),
    path("office/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("office/meetings/<int:pk>/window/", views.meeting_window, name="meeting-window"),
    path("office/meetings/<int:pk>/qr/", views.meeting_qr_sheet, name="meeting-qr-sheet"),
    path("office/meetings/<int:pk>/record/", views.meeting_record, name="meeting-record"),
    path(
        "office/meetings/<int:pk>/adoptions/<int:adoption_pk>/withdraw/",
        views.meeting_withdraw,
        name="meeting-withdraw",
    ),
    path(
        "office/meetings/<int:pk>/adoptions.xlsx", views.meeting_export, name="meeting-export"
    ),
    path(
        "office/meetings/<int:pk>/signing-sheet/",
        views.meeting_signing_sheet,
        name="meeting-signing-sheet",
    ),
    path("office/meetings/<int:pk>/rollover/", views.meeting_rollover, name="meeting-rollover"),
    path("office/meetings/<int:pk>/renewals/", views.meeting_renewals, name="meeting-renewals"),
    path("projects/<int:pk>/qr.svg", views.project_qr, name="project-qr"),
    path("projects/photos/<int:pk>/", views.progress_photo, name="progress-photo"),
    path("projects/<int:pk>/adopt/", views.project_adopt, name="project-adopt"),
    path("meetings/<int:pk>/screen/", views.meeting_screen, name="meeting-screen"),
    path(
        "meetings/<int:pk>/screen/stats/",
        views.meeting_screen_stats,
        name="meeting-screen-stats",
    ),
    path("my/renewals/", views.my_renewals, name="my-renewals"),
    path("my/renewals/<int:pk>/confirm/", views.renewal_confirm, name="renewal-confirm"),
    path("my/renewals/<int:pk>/drop/", views.renewal_drop, name="renewal-drop"),
    path("my/projects/", views.my_projects, name="my-projects"),
    path("my/projects/<int:pk>/", views.my_project, name="my-project"),
    path(
        "my/projects/<int:pk>/complete/", views.my_project_complete, name="my-project-complete"
    ),
    path("my/milestones/<int:pk>/done/", views.milestone_done, name="milestone-done"),
]
