"""The one rule for dates people enter: within sense, and arithmetic that cannot overflow.

A date typed as 9999-12-31 once made ``next_visit_due`` raise ``OverflowError`` and stopped
the reminder sweep for everyone. Every date field people fill in takes ``DateRange()`` as a
validator (the model's ``full_clean`` and so every ModelForm apply it, with a Chinese
message) and a ``date_within_sense`` CheckConstraint, whose fixed bounds keep any date the
app adds days or years to far from ``datetime.date.max``.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

#: The network was founded in 1997 with 22 member units: nothing it records is older.
EARLIEST = datetime.date(1997, 1, 1)
#: Party branches may be older than the network (the Party itself dates from 1921).
BRANCH_EARLIEST = datetime.date(1921, 7, 1)
#: How far ahead a date may be planned (meetings, milestones), in years after this one.
YEARS_AHEAD = 5
#: The database's own bound: fixed, so a CheckConstraint can hold it.
DB_LATEST = datetime.date(2100, 12, 31)


def latest_year(today=None):
    return (today or timezone.localdate()).year + YEARS_AHEAD


def latest_date(today=None):
    return datetime.date(latest_year(today), 12, 31)


@deconstructible
class DateRange:
    """Refuse a date before ``earliest`` or after 31 December ``YEARS_AHEAD`` years on."""

    message = _("Enter a date between %(earliest)s and %(latest)s.")
    code = "date_out_of_range"

    def __init__(self, earliest=EARLIEST):
        self.earliest = earliest

    def __call__(self, value):
        latest = latest_date()
        if value is not None and not (self.earliest <= value <= latest):
            raise ValidationError(
                self.message,
                code=self.code,
                params={"earliest": self.earliest.isoformat(), "latest": latest.isoformat()},
            )

    def __eq__(self, other):
        return isinstance(other, DateRange) and other.earliest == self.earliest


class DatePickerLimitsMixin:
    """Mix into a form: every date input offers only the dates the form accepts.

    ``min``/``max`` come from the model field's ``DateRange`` (or the network's founding and
    ``YEARS_AHEAD`` for a plain form field); fields named in ``dates_not_after_today`` stop
    at today. A phone's date picker then cannot offer 9999 or a visit next week; the
    server's checks stay the rule.
    """

    dates_not_after_today = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        model = getattr(getattr(self, "_meta", None), "model", None)
        for name, field in self.fields.items():
            if not isinstance(field, forms.DateField):
                continue
            earliest = EARLIEST
            if model is not None and name in {f.name for f in model._meta.get_fields()}:
                for validator in model._meta.get_field(name).validators:
                    if isinstance(validator, DateRange):
                        earliest = validator.earliest
            latest = today if name in self.dates_not_after_today else latest_date(today)
            field.widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())


def validate_year(value):
    """A project's year: from the network's founding to ``YEARS_AHEAD`` years on."""
    latest = latest_year()
    if value is not None and not (EARLIEST.year <= value <= latest):
        raise ValidationError(
            _("Enter a year between %(earliest)s and %(latest)s."),
            code="year_out_of_range",
            params={"earliest": EARLIEST.year, "latest": latest},
        )


def date_within_sense(field, name, earliest=EARLIEST):
    """The database's backstop for ``DateRange``: fixed bounds, NULL allowed."""
    return CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": earliest, f"{field}__lte": DB_LATEST}),
        name=name,
    )


def add_years(day, years):
    """The same day ``years`` later (28 February for 29 February), capped at ``date.max``."""
    year = day.year + years
    if year > datetime.MAXYEAR:
        return datetime.date.max
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)
