from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("accounts/", include("zhujing.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("units.urls")),
    path("", include("projects.urls")),
    path("", include("zhujing.reminders.urls")),
    path("", include("zhujing.opendata.urls")),
    # No /media/: progress photos are served by projects:progress-photo, which applies
    # the project's visibility.
]
