"""Django's own messages that liaisons read, retranslated with the polite 您.

Django's zh_Hans catalogue says 你 in its password help texts; the site speaks 您. Our
catalogue (LOCALE_PATHS) comes before Django's, so listing the msgids here lets
makemessages keep them there. Nothing imports this module: it exists to be extracted.
"""

from django.utils.translation import gettext_noop, ngettext


def _strings():  # pragma: no cover - never called; read by makemessages
    gettext_noop("Your old password was entered incorrectly. Please enter it again.")
    gettext_noop("Your password can’t be too similar to your other personal information.")
    gettext_noop("Your password can’t be a commonly used password.")
    gettext_noop("Your password can’t be entirely numeric.")
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        0,
    )
