from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

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
    # Progress photos are public and small; the app serves them itself so the
    # intranet deployment needs no separate file server.
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}, name="media"),
]
