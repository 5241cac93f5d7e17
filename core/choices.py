"""One empty choice for every select the app renders: 请选择… instead of Django's dashes."""

from django import forms
from django.utils.translation import gettext_lazy as _

PLEASE_CHOOSE = _("Please choose…")
DJANGO_DASHES = "---------"


class PleaseChooseMixin:
    """Mix into a Form or ModelForm: its empty choices read 请选择…, not ---------; radio
    buttons get no empty choice at all (nothing ticked says it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            radio = isinstance(field.widget, forms.RadioSelect)
            if isinstance(field, forms.ModelChoiceField) and radio:
                field.empty_label = None
            elif isinstance(field, forms.ChoiceField) and radio:
                field.choices = [c for c in field.choices if c != ("", DJANGO_DASHES)]
            elif isinstance(field, forms.ModelChoiceField):
                if field.empty_label == DJANGO_DASHES:
                    field.empty_label = PLEASE_CHOOSE
            elif isinstance(field, forms.ChoiceField):
                choices = list(field.choices)
                if choices and choices[0] == ("", DJANGO_DASHES):
                    field.choices = [("", PLEASE_CHOOSE), *choices[1:]]
