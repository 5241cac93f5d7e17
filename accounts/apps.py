from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import sessions, usercache  # noqa: F401  (they declare their versions)
        from core import pagecache

        pagecache.connect_signals()
        usercache.connect_signals()
