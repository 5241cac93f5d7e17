from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import FOUNDING_YEAR


class YearForm(forms.Form):
    """The roll-up's year (``?year=``): founding year to this year; anything else means
    this year."""

    year = forms.IntegerField(label=_("Year"), min_value=FOUNDING_YEAR)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("That year has not begun."))
        return year

    def chosen_year(self):
        return self.cleaned_data["year"] if self.is_valid() else timezone.localdate().year
