from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Visit

# --- Liaison forms ----------------------------------------------------------------


class VisitForm(forms.ModelForm):
    """Recording a visit on a phone: five fields, sensible defaults."""

    class Meta:
        model = Visit
        fields = ["visited_on", "channel", "visitors", "households_visited", "activities", "follow_up"]
        widgets = {
            "visited_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "channel": forms.RadioSelect,
            "households_visited": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "activities": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, pairing, **kwargs):
        self.pairing = pairing
        super().__init__(*args, **kwargs)
        self.fields["visitors"].widget.attrs["autocomplete"] = "name"

    def clean_visited_on(self):
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise forms.ValidationError(_("A visit cannot be in the future."))
        if visited_on < self.pairing.started_on:
            raise forms.ValidationError(_("The pairing had not started on that date."))
        return visited_on

    def clean_households_visited(self):
        households = self.cleaned_data["households_visited"]
        if households > 1000:
            raise forms.ValidationError(_("That is more households than one visit can reach."))
        return households
