"""Adoption (认领) at the joint meeting, and the big screen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.access import is_liaison, works_here
from core.pagecache import per_version

from .. import actions, screen
from ..forms import (
    AdoptForm,
)
from ..models import (
    Adoption,
    Category,
    Project,
)
from .common import (
    _get_adoptable_project,
)
from .meetings import _open_meeting

#: How many still-open projects the loser of a race is offered.
ALTERNATIVES_SHOWN = 6


@per_version
def _open_projects():
    """Every open project with a free seat, in title order: read once per data version in
    each process, since every loser of a race at the joint meeting asks for it. A seat
    taken since is refused by the claim itself, so an offer at most a second old is safe."""
    labels = dict(Category.choices)
    rows = (
        Project.objects.with_free_seat()
        .order_by("title", "pk")
        .values("pk", "title", "category", "community_id", "community__name")
    )
    return [{**row, "category_label": labels.get(row["category"], "")} for row in rows]


def _other_open_projects(project, unit):
    """Open projects with a free seat the unit has not adopted, the same category and the
    same community first, so the loser of a race can adopt again with one tap."""

    def closeness(offer):
        return 2 * (offer["category"] == project.category) + (
            offer["community_id"] == project.community_id
        )

    held = set(
        Adoption.objects.filter(unit=unit, project__status=Project.Status.OPEN).values_list(
            "project_id", flat=True
        )
    )
    offers = [o for o in _open_projects() if o["pk"] != project.pk and o["pk"] not in held]
    offers.sort(key=closeness, reverse=True)  # stable: title order within each closeness
    return offers[:ALTERNATIVES_SHOWN]


def describe_for_login(pk):
    """Names the project on the login page a QR code leads to (accounts.loginreasons)."""
    project = (
        Project.objects.filter(pk=pk)
        .exclude(status=Project.Status.DRAFT)
        .select_related("community")
        .only("title", "community__name")
        .first()
    )
    if project is None:
        return None
    return {
        "title": project.title,
        "subtitle": project.community.name,
        "why": _(
            "You scanned this project's QR code. Adopting it for your unit needs your "
            "unit's liaison account: after signing in you come back to this project."
        ),
        "public_url": reverse("projects:project-detail", args=[project.pk]),
    }


@login_required
def project_adopt(request, pk):
    """Where the QR code leads: the liaison reads the project, commits, confirms.

    A unit that lost the race is offered other open projects in one form that shows the
    commitment it typed (editable) with one button per project."""
    user = request.user
    staff = works_here(request)
    if not staff and not is_liaison(user):
        raise PermissionDenied
    unit = user.unit if is_liaison(user) else None
    project = _get_adoptable_project(pk)
    meeting = _open_meeting()
    form = AdoptForm(
        request.POST or None, initial={"commitment": request.session.get("adopt_commitment", "")}
    )
    result = None  # "won" or an error message
    own = None  # the unit's adoption of this project
    own_known = False  # the adoption (or its refusal) has told whether there is one

    if request.method == "POST":
        if unit is None:
            raise PermissionDenied
        if form.is_valid():
            commitment = form.cleaned_data["commitment"]
            try:
                own = actions.adopt(project, unit, meeting, commitment=commitment, recorded_by=user)
                own_known, result = True, "won"
                request.session.pop("adopt_commitment", None)
            except actions.AdoptionError as exc:
                own_known = isinstance(exc, (actions.AlreadyTaken, actions.ProjectNotOpen))
                result = str(exc.message)
                if not request.htmx:
                    # Carried over the redirect into the offers' form on the next page.
                    request.session["adopt_commitment"] = commitment
            if not request.htmx:
                if result == "won":
                    messages.success(request, _("Adopted! Thank you for your commitment."))
                else:
                    messages.error(request, result)
                return redirect("projects:project-adopt", pk=project.pk)

    alternatives = []
    if unit is not None:
        if not own_known:
            own = Adoption.objects.filter(project=project, unit=unit).first()
        if own is None and meeting is not None and not project.has_free_seat:
            alternatives = _other_open_projects(project, unit)
    context = {
        "alternatives": alternatives,
        "project": project,
        "meeting": meeting,
        "form": form,
        "own": own,
        "result": result,
        "staff": staff,
    }
    template = "projects/project_adopt.html"
    if request.htmx:
        template += "#adopt-panel"
    return render(request, template, context)


# The big screen -------------------------------------------------------------------------


@require_GET
def meeting_screen(request, pk):
    """Public page for the projector: big numbers, refreshed every 3 s by htmx."""
    return screen.render_screen("projects/meeting_screen.html", pk)


@require_GET
def meeting_live(request, pk):
    """The big screen's tally for a phone: the same figures under the normal header."""
    context = screen.screen_context(screen.screen_stats(pk))
    context["meeting_pk"] = pk
    return render(request, "projects/meeting_live.html", context)


@require_GET
def meeting_screen_stats(request, pk):
    """The polled fragment; no database query while the cache is warm."""
    return screen.render_screen("projects/meeting_screen.html#stats", pk)


# Staff records, exports -------------------------------------------------------------------
