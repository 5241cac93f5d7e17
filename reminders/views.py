from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.access import wants_partial

from . import outbox
from .forms import PreferencesForm
from .models import Notification, SmsMessage, SmsOptOut


def _get_notification_for_user(request, pk):
    """Only the user's own entries exist for them: anyone else's id is a 404."""
    notification = Notification.objects.filter(pk=pk, user=request.user).first()
    if notification is None:
        raise Http404
    return notification


def inbox_list(request):
    notifications = Notification.objects.filter(user=request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    ctx = {"page": page, "unread_count": Notification.objects.unread_count(request.user)}
    template_name = "reminders/inbox.html"
    if wants_partial(request):
        template_name += "#inbox-list"
    return render(request, template_name, ctx)


@login_required
@require_GET
def inbox(request):
    return inbox_list(request)


@never_cache
@require_GET
def badge(request):
    if not request.user.is_authenticated:
        if request.htmx:
            # Signed out while the page polled: 286 tells htmx to stop polling, and the
            # login page is not swapped into the header.
            return HttpResponse(status=286)
        return redirect_to_login(request.get_full_path())
    return render(
        request, "reminders/badge.html", {"unread_count": Notification.objects.unread_count(request.user)}
    )


@login_required
@require_POST
def mark_read(request, pk):
    notification = _get_notification_for_user(request, pk)
    notification.mark_read()
    if request.htmx:
        # The entry, plus the header badge swapped out of band so the count drops at once.
        ctx = {"notification": notification, "unread_count": Notification.objects.unread_count(request.user)}
        return HttpResponse(
            render_to_string("reminders/inbox.html#entry", ctx, request)
            + render_to_string("reminders/badge.html", {**ctx, "oob": True}, request)
        )
    if notification.link and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.link)
    return redirect("reminders:inbox")


@login_required
@require_POST
def mark_all_read(request):
    Notification.objects.mark_all_read(request.user)
    if request.htmx:
        response = inbox_list(request)
        response.content += render_to_string(
            "reminders/badge.html", {"unread_count": 0, "oob": True}, request
        ).encode()
        return response
    return redirect("reminders:inbox")


@login_required
def preferences(request):
    """The user's channels per reminder kind (提醒偏好), on their account pages."""
    form = PreferencesForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"form": form})


def _masked_phone(phone):
    return f"{phone[:3]}****{phone[-4:]}"


def sms_opt_out(request, code):
    """The link at the end of every SMS: one button stops SMS to that number.

    A GET only shows the button (link previews in chat apps open links); the POST opts out.
    """
    sms = SmsMessage.objects.filter(out_id=code).only("phone").first()
    if sms is None:
        raise Http404
    done = SmsOptOut.objects.filter(phone=sms.phone).exists()
    if request.method == "POST" and not done:
        outbox.opt_out(sms.phone)
        done = True
    elif request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "reminders/sms_opt_out.html",
                  {"phone": _masked_phone(sms.phone), "done": done})
