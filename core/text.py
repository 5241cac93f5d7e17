"""Text that leaves the app holds only characters every format we write can hold.

XLSX and every XML-based format (XLSX is XML; WeasyPrint's HTML becomes a PDF through a
parser that follows XML's character rules) cannot hold C0 control characters other than
tab, line feed and carriage return, nor lone UTF-16 surrogates or U+FFFE/U+FFFF;
iCalendar's TEXT forbids control characters (RFC 5545, 3.3.11). openpyxl refuses a cell
holding one (500 for the whole export), so one ``\\x0b`` pasted into a unit name broke the
registry export for everyone until the office found the row.

``printable`` is the one place on the way out that drops them; ``refuse_unprintable`` is
the validator forms use to say so on the way in (``PrintableTextMixin`` adds it to every
text field of a form).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: C0 controls but tab, LF and CR; DEL and the C1 controls; lone surrogates; U+FFFE/U+FFFF.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(value):
    """``value`` without the characters an export cannot hold; anything not text as it is."""
    if isinstance(value, str):
        return UNPRINTABLE.sub("", value)
    return value


def refuse_unprintable(value):
    if isinstance(value, str) and UNPRINTABLE.search(value):
        raise ValidationError(
            _("This text contains invisible control characters; delete them and try again."),
            code="unprintable",
        )


def printable_tree(value):
    """``printable`` through the dicts and lists of a JSON payload."""
    if isinstance(value, dict):
        return {printable(k): printable_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_tree(v) for v in value]
    return printable(value)


class PrintableTextMixin:
    """Mix into a Form or ModelForm: every text field refuses unprintable characters with a
    Chinese error, instead of storing what an export would later have to drop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(refuse_unprintable)
