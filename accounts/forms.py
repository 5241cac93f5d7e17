from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from units.models import MemberUnit
from core.choices import PleaseChooseMixin

from .models import User


class LiaisonCreateForm(PleaseChooseMixin, UserCreationForm):
    """Office staff open an account for a member unit's liaison."""

    class Meta:
        model = User
        fields = ["username", "display_name", "unit"]
        labels = {"display_name": _("name shown in the app")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = True
        self.fields["unit"].queryset = MemberUnit.objects.active().only("id", "name")
        self.fields["display_name"].required = True
        # Staff set the first password; there is no "unusable password" choice here.
        self.fields.pop("usable_password", None)


class UserFilterForm(forms.Form):
    STATUS_CHOICES = [("active", _("active")), ("inactive", _("deactivated")), ("all", _("all"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
