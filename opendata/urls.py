from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("data/", views.index, name="index"),
    path("data/projects.csv", views.projects_csv, name="projects-csv"),
    path("data/projects.json", views.projects_json, name="projects-json"),
    path("data/structure.json", views.structure_json, name="structure-json"),
    path("data/stats.json", views.stats_json, name="stats-json"),
    path("data/calendar.ics", views.public_calendar, name="public-calendar"),
    path("data/calendar/<str:token>.ics", views.private_calendar, name="private-calendar"),
    path("my/calendar/", views.my_calendar, name="my-calendar"),
    path("my/calendar/reset/", views.my_calendar_reset, name="my-calendar-reset"),
]
