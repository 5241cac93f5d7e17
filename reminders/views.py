from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.access import staff_required, wants_partial
from units.forms import PairingHealthFilterForm
from units.models import HEALTH_ORDER, Pairing

from . import outbox
from .forms import PreferencesForm
from .models import Notification, Reminder, SmsMessage, SmsOptOut


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


# --- Pairing health: visits due and the escalations sent about them -----------------


#: Pairings per page of the health page.
HEALTH_PER_PAGE = 20


def _last_escalations(pairings):
    """The latest escalation sent to the office about each of ``pairings`` (one page of
    them): ``{pairing id: (sent at, due on)}``, one query on the subject index."""
    rows = (
        Reminder.objects.filter(
            kind=Reminder.Kind.VISIT_ESCALATION,
            subject_type=ContentType.objects.get_for_model(Pairing),
            subject_id__in=[p.pk for p in pairings],
        )
        .exclude(sent_at=None)
        .order_by("subject_id", "-sent_at")
        .values_list("subject_id", "sent_at", "due_on")
    )
    latest = {}
    for pk, sent_at, due_on in rows:
        latest.setdefault(pk, (sent_at, due_on))
    return latest


@staff_required
@never_cache
@require_GET
def pairing_health(request):
    """结对活跃度: counts per health by district, then the live pairings worst first, a page
    at a time (76 cards made one 33,600 px page on a phone), optionally of one health."""
    form = PairingHealthFilterForm(request.GET or None)
    pairings = list(
        form.filter(Pairing.objects.current())
        .select_related("community__district", "unit", "partner_community")
        .with_last_visit()
    )
    rank = {health: i for i, health in enumerate(HEALTH_ORDER)}
    pairings.sort(key=lambda p: (rank[p.health], p.next_due, p.pk))
    counts = {}
    for pairing in pairings:
        district = pairing.community.district
        row = counts.setdefault(district, dict.fromkeys(HEALTH_ORDER, 0))
        row[pairing.health] += 1
    districts = sorted(counts, key=lambda d: (d.position, d.pk))
    health = form.cleaned_data.get("health") if form.is_valid() else ""
    if health:
        pairings = [p for p in pairings if p.health == health]
    page = Paginator(pairings, HEALTH_PER_PAGE).get_page(request.GET.get("page"))
    escalations = _last_escalations(page.object_list)
    for pairing in page.object_list:
        sent_at, due_on = escalations.get(pairing.pk, (None, None))
        # An escalation belongs to the current overdue spell only if it was for this due date.
        pairing.escalation_sent_at = sent_at if due_on == pairing.next_due else None
    query = request.GET.copy()
    query.pop("page", None)
    by_health = query.copy()
    by_health.pop("health", None)
    context = {
        "form": form,
        "page": page,
        "pairings": page.object_list,
        "matching": len(pairings),
        "health": health,
        "query": query.urlencode(),
        "query_but_health": by_health.urlencode(),
        "healths": [(h, h.label) for h in HEALTH_ORDER],
        "count_rows": [(d, [counts[d][h] for h in HEALTH_ORDER]) for d in districts],
        "totals": [sum(counts[d][h] for d in districts) for h in HEALTH_ORDER],
        "lead_days": settings.REMINDER_VISIT_LEAD_DAYS,
    }
    return render(request, "units/pairing_health.html", context)
