from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.forms import reencode_photo
from units.forms import UnitFilterForm
from core.choices import PleaseChooseMixin
from core.dates import DatePickerLimitsMixin
from core.text import PrintableTextMixin

from .models import AnnualAssessment, Contribution


#: The fields that depend on the kind of contribution, and which kind needs which.
KIND_FIELDS = ("amount", "people", "hours", "description")
FIELDS_BY_KIND = {
    Contribution.Kind.FUNDS: ("amount",),
    Contribution.Kind.VOLUNTEER_HOURS: ("people", "hours"),
    Contribution.Kind.GOODS: ("description", "amount"),
    Contribution.Kind.VENUE: ("description", "amount"),
}


STALE_PAGE = _("This page is out of date: reload it and try again.")


class ContributionForm(
    PrintableTextMixin, DatePickerLimitsMixin, PleaseChooseMixin, forms.ModelForm
):
    """Five fields on a phone: what kind, how much, when, a note, a photo if there is one.

    An edit carries the row's version its page showed (hidden), so that a change made
    meanwhile (the office confirming it) is not overwritten."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        required=False,
        error_messages={"invalid": STALE_PAGE, "min_value": STALE_PAGE},
    )

    class Meta:
        model = Contribution
        fields = [
            "kind",
            "amount",
            "people",
            "hours",
            "description",
            "contributed_on",
            "note",
            "evidence",
        ]
        widgets = {
            "contributed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
            "amount": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.01"}),
            "people": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "hours": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.5"}),
            "evidence": forms.ClearableFileInput(attrs={"accept": "image/*"}),
        }
        help_texts = {
            "amount": _("Funds in yuan, or the estimated value of goods or a venue."),
            "people": _("For volunteer service: how many person-times."),
            "hours": _("For volunteer service: total hours."),
            "description": _("For goods or a venue: what was given."),
        }

    def clean_evidence(self):
        photo = self.cleaned_data.get("evidence")
        if photo and hasattr(photo, "content_type"):  # a new upload, not the stored file
            return reencode_photo(photo)
        return photo

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = STALE_PAGE
            self.initial.setdefault("version", self.instance.version)
        else:
            del self.fields["version"]
        # Only the fields the kind needs: five fields on a phone, not eight.
        self.kind = self._chosen_kind()
        for name in set(KIND_FIELDS) - set(self.kind_fields()):
            del self.fields[name]

    def _chosen_kind(self):
        if self.is_bound:
            kind = self.data.get(self.add_prefix("kind"))
        else:
            kind = self.initial.get("kind") or self.instance.kind
        return kind if kind in Contribution.Kind.values else ""

    def kind_fields(self):
        """The fields of the chosen kind (all of them before a kind is chosen)."""
        return FIELDS_BY_KIND.get(self.kind, KIND_FIELDS)

    def clean(self):
        cleaned = super().clean()
        # What does not belong to the kind is cleared, so totals never mix kinds up.
        for name in set(KIND_FIELDS) - set(self.kind_fields()):
            setattr(self.instance, name, "" if name == "description" else None)
        return cleaned


class CorrectionForm(ContributionForm):
    """Office staff correct a row, confirmed or not; the reason goes into its history."""

    reason = forms.CharField(label=_("Reason for the correction"), max_length=100)


class AssessmentRatingForm(PrintableTextMixin, PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = AnnualAssessment
        fields = ["rating", "remark"]
        widgets = {"remark": forms.Textarea(attrs={"rows": 3})}


#: The assessment's own labels (a context of their own: "projects adopted" alone is the big
#: screen's "N projects adopted").
SORT_CHOICES = [
    ("name", pgettext_lazy("assessment sort", "name")),
    ("adopted", pgettext_lazy("assessment sort", "projects adopted")),
    ("completed", pgettext_lazy("assessment sort", "completed")),
    ("milestones_on_time_pct", pgettext_lazy("assessment sort", "milestones on time")),
    ("visits_pct", pgettext_lazy("assessment sort", "visits against cadence")),
    ("funds", pgettext_lazy("assessment sort", "funds")),
    ("volunteer_hours", pgettext_lazy("assessment sort", "volunteer hours")),
    ("goods_value", pgettext_lazy("assessment sort", "goods value")),
    ("rating", pgettext_lazy("assessment sort", "rating")),
]


class AssessmentFilterForm(UnitFilterForm):
    """The registry's unit filters (search, category, district, status), the year's rating,
    plus sorting."""

    UNRATED = "unrated"

    rating = forms.ChoiceField(
        label=_("Rating"),
        required=False,
        choices=[("", _("All ratings")), *AnnualAssessment.Rating.choices, (UNRATED, _("Not rated"))],
    )
    sort = forms.ChoiceField(label=_("sort by"), required=False, choices=SORT_CHOICES)
    descending = forms.BooleanField(label=_("largest first"), required=False)

    def filter_year(self, queryset, year):
        """The unit filters, and the rating given for ``year`` (or none given yet)."""
        queryset = self.filter(queryset)
        rating = self.cleaned_data.get("rating") if self.is_valid() else ""
        if not rating:
            return queryset
        rated = AnnualAssessment.objects.filter(unit=OuterRef("pk"), year=year).exclude(rating="")
        if rating == self.UNRATED:
            return queryset.exclude(Exists(rated))
        return queryset.filter(Exists(rated.filter(rating=rating)))
