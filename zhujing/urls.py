from django.contrib import admin
from django.urls import include, path

from . import admin_names, views

admin_names.apply()

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("accounts/", include("zhujing.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("units.urls")),
    path("", include("projects.urls")),
    path("", include("zhujing.reminders.urls")),
    path("", include("records.urls")),
    path("", include("zhujing.opendata.urls")),
    # No /media/: progress photos are served by projects:progress-photo, which applies
    # the project's visibility.
]
