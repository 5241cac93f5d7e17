from django.db import connection
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from projects.models import JointMeeting, Project
from units.models import Community, MemberUnit, Pairing


@require_GET
def home(request):
    """The front door: the network in numbers, and where each kind of visitor goes next."""
    year = timezone.localdate().year
    projects = Project.objects.public().aggregate(
        this_year=Count("id", filter=Q(year=year)),
        adopted=Count("id", filter=Q(adopted_count__gt=0)),
        completed=Count("id", filter=Q(status=Project.Status.COMPLETED)),
    )
    context = {
        "units": MemberUnit.objects.active().count(),
        "communities": Community.objects.filter(is_active=True).count(),
        "pairings": Pairing.objects.filter(status=Pairing.Status.ACTIVE).count(),
        "projects": projects,
        "year": year,
        "live_meeting": JointMeeting.objects.filter(adoption_open=True).order_by("-held_on").first(),
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer and docker healthchecks: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
