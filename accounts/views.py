"""Accounts: the lockout page, liaison accounts for office staff, changing one's password."""

from axes.helpers import get_cool_off, get_failure_limit
from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.access import staff_required
from units.models import MemberUnit

from . import loginreasons
from .forms import LiaisonCreateForm, PasswordChangeForm, SetPasswordForm, UserFilterForm
from .models import User


def locked_out(request, original_response=None, credentials=None):
    """What django-axes shows after too many wrong passwords (AXES_LOCKOUT_CALLABLE)."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": minutes,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def _get_liaison_for_staff(pk):
    """Staff manage liaison accounts only: never another staff member or a superuser, and
    only of the units of their own council's network."""
    return get_object_or_404(
        User.objects.select_related("unit"),
        pk=pk,
        unit__in=MemberUnit.objects.in_council(),
        unit__isnull=False,
        is_staff=False,
        is_superuser=False,
    )


@staff_required
@never_cache
def user_list(request):
    form = UserFilterForm(request.GET or None)
    users = User.objects.filter(
        unit__in=MemberUnit.objects.in_council(), is_staff=False, is_superuser=False
    )
    status = "active"
    if form.is_valid():
        status = form.cleaned_data["status"] or "active"
        if q := form.cleaned_data["q"].strip():
            users = users.filter(
                Q(username__icontains=q) | Q(display_name__icontains=q) | Q(unit__name__icontains=q)
            )
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "inactive":
        users = users.filter(is_active=False)
    users = users.select_related("unit").only(
        "id", "username", "display_name", "is_active", "last_login", "unit__id", "unit__name"
    )
    return render(
        request,
        "accounts/user_list.html",
        {"form": form, "users": users.order_by("unit__name", "username")},
    )


@staff_required
def user_create(request):
    form = LiaisonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Account %(username)s created.") % {"username": user.username})
        return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form})


@staff_required
def password_reset(request, pk):
    """Office staff set a new password for a liaison who forgot theirs."""
    liaison = _get_liaison_for_staff(pk)
    form = SetPasswordForm(liaison, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()  # The new password hash also ends the liaison's other sessions.
        reset_login_failures(username=liaison.username)
        messages.success(
            request,
            _("New password set for %(username)s.") % {"username": liaison.username},
        )
        return redirect("accounts:user-list")
    return render(request, "accounts/password_reset.html", {"form": form, "liaison": liaison})


@require_POST
@staff_required
def user_deactivate(request, pk):
    """A liaison leaves: the account is switched off, never deleted (history keeps the name)."""
    liaison = _get_liaison_for_staff(pk)
    if liaison.deactivate():
        messages.success(
            request, _("Account %(username)s deactivated.") % {"username": liaison.username}
        )
    return redirect("accounts:user-list")


@require_POST
@staff_required
def user_reactivate(request, pk):
    liaison = _get_liaison_for_staff(pk)
    if not liaison.is_active:
        liaison.is_active = True
        liaison.save(update_fields=["is_active"])
        messages.success(
            request, _("Account %(username)s reactivated.") % {"username": liaison.username}
        )
    return redirect("accounts:user-list")


class LoginView(auth_views.LoginView):
    """Django's login, which says why sign-in is needed when a page sent the visitor here
    (a project's QR code: which project, and that adopting needs a liaison's account)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["login_reason"] = loginreasons.describe(self.get_redirect_url())
        context["office_contact"] = settings.OFFICE_CONTACT
        return context


login = LoginView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:password-change-done")


password_change = never_cache(PasswordChangeView.as_view())
password_change_done = auth_views.PasswordChangeDoneView.as_view()
