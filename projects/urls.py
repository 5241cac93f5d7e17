from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    # Public board, needs, staff triage and project editing
    # Joint meeting, adoption, renewals and the liaison portal
]
