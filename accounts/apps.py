from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out
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
        user_logged_out.connect(end_sessions, dispatch_uid="accounts-logout-epoch")


def end_sessions(sender, request, user, **kwargs):
    """A logout ends every session of the user, in PostgreSQL (``User.sessions_valid_after``)."""
    if user is not None:
        user.end_sessions()
