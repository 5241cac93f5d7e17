from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "zhujing.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from zhujing import pagecache
        from zhujing.accounts import usercache

        pagecache.connect_signals()
        usercache.connect_signals()
