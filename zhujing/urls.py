from django.contrib import admin
from django.urls import include, path

from core import admin_names
from core import caremode
from core.views import healthz
from projects.views import home

admin_names.apply()

urlpatterns = [
    path("", home, name="home"),
    path("healthz/", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("care-mode/", caremode.switch, name="care-mode"),
    path("admin/", admin.site.urls),
    path("", include("units.urls")),
    path("", include("projects.urls")),
    path("", include("reminders.urls")),
    path("", include("records.urls")),
    path("", include("opendata.urls")),
    path("", include("district.urls")),
    # No /media/: progress photos are served by projects:progress-photo, which applies
    # the project's visibility.
]
