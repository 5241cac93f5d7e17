from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/badge/", views.badge, name="badge"),
    path("inbox/<int:pk>/read/", views.mark_read, name="mark-read"),
    path("inbox/read-all/", views.mark_all_read, name="mark-all-read"),
    path("accounts/reminders/", views.preferences, name="preferences"),
    # A short link, for the end of an SMS; an unknown code is a 404.
    path("s/<str:code>/", views.sms_opt_out, name="sms-opt-out"),
    path("registry/pairings/health/", views.pairing_health, name="pairing-health"),
]
