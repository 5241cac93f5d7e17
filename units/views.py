import datetime

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render  # noqa: F401
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhujing.accounts.access import liaison_required, member_required, staff_required  # noqa: F401

from . import diagram, stats
from .forms import VisitForm
from .models import Pairing, Visit

# --- Registry pages for office staff ------------------------------------------


# --- Liaison pages ---------------------------------------------------------------


def _get_pairing_for_user(request, pk):
    """Staff reach every pairing; a liaison only their own unit's active ones."""
    pairings = Pairing.objects.select_related("community", "unit", "partner_community")
    if request.user.is_staff:
        return get_object_or_404(pairings, pk=pk)
    if request.user.unit_id is None:
        raise Http404
    return get_object_or_404(
        pairings, pk=pk, unit_id=request.user.unit_id, status=Pairing.Status.ACTIVE
    )


@liaison_required
@require_GET
def my_pairings(request):
    unit = request.user.unit
    today = timezone.localdate()
    pairings = list(
        Pairing.objects.filter(unit=unit, status=Pairing.Status.ACTIVE)
        .select_related("community__district")
        .annotate(last_visited_on=Max("visits__visited_on"), visit_count=Count("visits"))
        .order_by("community__name")
    )
    for pairing in pairings:
        pairing.next_due = pairing.next_visit_due(pairing.last_visited_on)
        pairing.days_left = (pairing.next_due - today).days
        pairing.days_overdue = -pairing.days_left
    pairings.sort(key=lambda p: p.next_due)
    recent = (
        Visit.objects.filter(pairing__unit=unit)
        .select_related("pairing__community")
        .order_by("-visited_on", "-id")[:10]
    )
    return render(
        request,
        "units/my_pairings.html",
        {"unit": unit, "pairings": pairings, "recent": recent, "today": today},
    )


@member_required
@require_http_methods(["GET", "POST"])
def visit_create(request, pk):
    pairing = _get_pairing_for_user(request, pk)
    if request.method == "POST":
        form = VisitForm(request.POST, pairing=pairing)
        if form.is_valid():
            visit = form.save(commit=False)
            visit.pairing = pairing
            visit.recorded_by = request.user
            visit.save()
            messages.success(
                request,
                _("Visit to %(community)s on %(date)s recorded.")
                % {"community": pairing.community, "date": visit.visited_on},
            )
            if request.user.is_staff and request.user.unit_id != pairing.unit_id:
                return redirect("home")
            return redirect("units:my-pairings")
    else:
        form = VisitForm(
            pairing=pairing,
            initial={
                "visited_on": timezone.localdate(),
                "visitors": str(request.user),
                "households_visited": 1,
            },
        )
    return render(request, "units/visit_form.html", {"form": form, "pairing": pairing})


# --- Public pages ------------------------------------------------------------------


@require_GET
def structure(request):
    """The "1+5+N" organisation drawn as an SVG, with the same data as text below it."""
    return render(request, "units/structure.html", {"layout": diagram.build_layout()})


@require_GET
def statistics(request):
    return render(request, "units/stats.html", stats.registry_statistics())
