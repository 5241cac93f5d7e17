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
]
