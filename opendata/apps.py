from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "opendata"
    label = "opendata"
    verbose_name = _("Open data and calendar feeds")

    def ready(self):
        from accounts.signals import user_deactivated

        from .models import CalendarFeed

        user_deactivated.connect(
            lambda sender, user, **kwargs: CalendarFeed.revoke_for(user),
            weak=False,
            dispatch_uid="opendata-revoke-feed",
        )
