from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .channels import mobile_of
from .models import NotificationPreference, Reminder, SmsOptOut

Kind = Reminder.Kind
LIAISON_KINDS = [Kind.VISIT_DUE, Kind.VISIT_OVERDUE, Kind.MILESTONE_DUE, Kind.MILESTONE_OVERDUE, Kind.MEETING]
OFFICE_KINDS = [Kind.VISIT_ESCALATION, Kind.DIGEST]


def kinds_for(user):
    """The reminder kinds this user can receive (what the sweep sends them)."""
    kinds = []
    if user.unit_id:
        kinds += LIAISON_KINDS
    if user.is_staff:
        kinds += OFFICE_KINDS
    return kinds


class PreferencesForm(forms.Form):
    """One group of checkboxes per reminder kind: email, and SMS where it can go."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.mobile = mobile_of(user)
        self.opted_out = bool(self.mobile) and SmsOptOut.objects.filter(phone=self.mobile).exists()
        chosen = NotificationPreference.for_user(user)
        for kind in kinds_for(user):
            choices = [("email", _("email"))]
            if self.sms_possible(kind):
                choices.append(("sms", _("SMS")))
            email, sms = chosen[kind]
            self.fields[kind] = forms.MultipleChoiceField(
                label=Kind(kind).label, choices=choices, required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[name for name, on in (("email", email), ("sms", sms)) if on],
            )

    def sms_possible(self, kind):
        return bool(settings.SMS_GATEWAY_URL and self.mobile and not self.opted_out
                    and kind in settings.SMS_TEMPLATES)

    def save(self):
        for kind, channels in self.cleaned_data.items():
            current = NotificationPreference.for_user(self.user)[kind]
            NotificationPreference.objects.update_or_create(
                user=self.user, kind=kind,
                defaults={
                    "email": "email" in channels,
                    # A kind with no SMS offered keeps what it had (off, or the default).
                    "sms": "sms" in channels if self.sms_possible(kind) else current[1],
                },
            )
