from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from units.models import MemberUnit
from core.choices import PleaseChooseMixin

from .models import User


class NewPasswordErrorsUnderItsFieldMixin:
    """The password rules' errors (too short, too common) under the field the new password
    was typed in: Django puts them under the confirmation field, where they read as a
    mismatch. A mismatch stays under the confirmation."""

    def validate_password_for_user(self, user, password_field_name="password2"):
        super().validate_password_for_user(user, password_field_name.replace("2", "1"))


class PasswordChangeForm(NewPasswordErrorsUnderItsFieldMixin, auth_forms.PasswordChangeForm):
    def clean(self):
        cleaned_data = super().clean()
        if "old_password" not in self.errors:
            # The current password was right: shown again with the errors, so a phone user
            # retypes only the new one (the page is never cached).
            self.fields["old_password"].widget.render_value = True
        return cleaned_data


class SetPasswordForm(NewPasswordErrorsUnderItsFieldMixin, auth_forms.SetPasswordForm):
    pass


class LiaisonCreateForm(PleaseChooseMixin, NewPasswordErrorsUnderItsFieldMixin, UserCreationForm):
    """Office staff open an account for a member unit's liaison."""

    class Meta:
        model = User
        fields = ["username", "display_name", "unit"]
        labels = {"display_name": _("name shown in the app")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = True
        self.fields["unit"].queryset = MemberUnit.objects.members().only("id", "name")
        self.fields["display_name"].required = True
        # Staff set the first password; there is no "unusable password" choice here.
        self.fields.pop("usable_password", None)


class UserFilterForm(forms.Form):
    STATUS_CHOICES = [("active", _("active")), ("inactive", _("deactivated")), ("all", _("all"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
