"""Chinese names in the admin for what the project does not define itself.

Django's admin takes its header and title from ``admin.site`` and each model's name from
its ``_meta``; django-axes ships no Simplified Chinese catalogue, so its login-protection
models are named here, in strings our own catalogue translates. Called once from
``zhujing.urls``.
"""

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

SITE_HEADER = _("Zhujing “Xin Lian Xin” regional party-building · administration")
SITE_TITLE = _("Zhujing party-building administration")

#: app label -> the app's name in the admin index
APP_NAMES = {"axes": _("Login protection"), "auth": _("Groups and permissions")}

#: model label -> (verbose_name, verbose_name_plural)
MODEL_NAMES = {
    "axes.AccessAttempt": (_("login lockout"), _("login lockouts")),
    "axes.AccessLog": (_("login record"), _("login records")),
    "axes.AccessFailureLog": (_("failed login"), _("failed logins")),
}

#: field name -> name, for the fields the axes models share
AXES_FIELDS = {
    "user_agent": _("browser"),
    "ip_address": _("IP address"),
    "username": _("username"),
    "http_accept": _("HTTP Accept header"),
    "path_info": _("path"),
    "attempt_time": _("time"),
    "get_data": _("GET data"),
    "post_data": _("POST data"),
    "failures_since_start": _("failed attempts"),
    "logout_time": _("logged out at"),
    "session_hash": _("session key hash"),
    "locked_out": _("locked out"),
}


def apply():
    admin.site.site_header = SITE_HEADER
    admin.site.site_title = SITE_TITLE
    admin.site.index_title = _("Site administration")
    for label, name in APP_NAMES.items():
        if apps.is_installed(label) or label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    for label, (singular, plural) in MODEL_NAMES.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural
        for field in model._meta.fields:
            if field.name in AXES_FIELDS:
                field.verbose_name = AXES_FIELDS[field.name]
