"""Adoption (认领) at the joint meeting, and the big screen."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    F,
)
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import (
    is_liaison,
    is_office_staff,
)
from core.pagecache import (
    PLACEHOLDER,
    per_version,
)
from zhujing.precompiled import ARG, precompiled

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
    _panel_project_and_adopted,
)
from .meetings import _open_meeting

ALTERNATIVES_SHOWN = 6
_UNKNOWN = object()


@dataclass(frozen=True, slots=True)
class Offer:
    """An open project offered to the loser of a race: only what the offer shows."""

    pk: int
    title: str
    category: str
    community_id: int
    community_name: str

    @property
    def category_label(self):
        return Category(self.category).label

    @property
    def adopt_url(self):
        return _adopt_path(get_script_prefix(), self.pk)


@lru_cache(maxsize=1024)
def _adopt_path(script_prefix, pk):
    """A project's adopt URL, reversed once per process: each losing POST shows six offers,
    and six reverse() calls were a tenth of its time. The script prefix is part of the key
    because reverse() puts it in front of the path."""
    return reverse("projects:project-adopt", args=[pk])


@per_version
def _open_projects_with_seats():
    """Every open project with a free seat, read once per data version. In a surge the
    version moves with every adoption, so each process reads this list again and again:
    it is plain values (a third of the time of model instances with their community) from
    a query compiled once, and only the few offered have their adopt URL reversed."""
    sql, params = _open_projects_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Offer(*row) for row in cursor.fetchall()]


@precompiled
def _open_projects_query():
    return (
        Project.objects.filter(status=Project.Status.OPEN, adopted_count__lt=F("capacity"))
        .order_by("title", "pk")
        .values_list("pk", "title", "category", "community_id", "community__name")
    )


def _unit_project_ids(unit):
    """The projects the unit has adopted (a few dozen in twenty years): one read serves a
    refusal's reason and the offers that follow it. It runs in every losing POST, and the
    ORM took three times as long to build this one-column query as the database took to
    answer it (0.37 against 0.10 ms), so the query is compiled once."""
    sql, params = _unit_project_ids_query(unit.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {project_id for (project_id,) in cursor.fetchall()}


@precompiled
def _unit_project_ids_query():
    return Adoption.objects.filter(unit_id=ARG).order_by().values_list("project_id", flat=True)


def _other_open_projects(project, adopted):
    """Open projects with a free seat the unit has not adopted (``adopted``: its project
    ids): the same category and the same community first, so the loser of a race can
    adopt again with one tap."""
    candidates = [p for p in _open_projects_with_seats() if p.pk != project.pk]

    def closeness(other):
        return 2 * (other.category == project.category) + (
            other.community_id == project.community_id
        )

    # A stable sort keeps the title order the query gave within each closeness.
    offered = sorted((p for p in candidates if p.pk not in adopted), key=closeness, reverse=True)
    return offered[:ALTERNATIVES_SHOWN]


#: Each offer's HTML in this process, by the offer itself (its project's key, title,
#: community and category), whether a commitment is carried, the language and the script
#: prefix. Emptied when full.
_offers_rendered = {}
_OFFERS_KEPT = 1024
#: Stands in the kept HTML for the commitment each loser's one-tap forms carry.
_COMMITMENT = "__commitment-placeholder__"
_COMMITMENT_FIELD = f'name="commitment" value="{_COMMITMENT}"'


def _offer_items(request, offers, commitment):
    """The offers to the loser of a race, as one piece of HTML each.

    Six offers with their one-tap forms were 40% of a losing POST's Python calls, and in a
    surge hundreds of losers are offered the same few dozen projects. So each offer is
    rendered once per process for its language and script prefix, with placeholders where
    the CSRF token and the commitment go; each request puts in its own token and its own
    commitment, escaped as the template escapes it. Every unit words its commitment its
    own way, so the commitment is not part of the key. An offer is a frozen value of what
    it shows, so an edited title is another key. Off with PUBLIC_PAGE_CACHE, like the
    offers' memo."""
    if not settings.PUBLIC_PAGE_CACHE:
        return [
            render_to_string(
                "projects/_offer.html", {"other": o, "commitment": commitment}, request
            )
            for o in offers
        ]
    context = (bool(commitment), get_language(), get_script_prefix())
    token = None
    items = []
    for offer in offers:
        key = (offer, *context)
        html = _offers_rendered.get(key)
        if html is None:
            html = render_to_string(
                "projects/_offer.html",
                {
                    "other": offer,
                    "commitment": _COMMITMENT if commitment else "",
                    "csrf_token": PLACEHOLDER,
                },
            )
            if len(_offers_rendered) >= _OFFERS_KEPT:
                _offers_rendered.clear()
            _offers_rendered[key] = html
        if PLACEHOLDER in html:
            token = token or get_token(request)
            html = html.replace(PLACEHOLDER, token)
        if commitment:
            # Only the form's own field: no title or name can hold this quoted attribute.
            field = f'name="commitment" value="{escape(commitment)}"'
            html = html.replace(_COMMITMENT_FIELD, field)
        items.append(mark_safe(html))
    return items


@login_required
def project_adopt(request, pk):
    """Where the QR code leads: the liaison reads the project, commits, confirms."""
    user = request.user
    staff = is_office_staff(user)
    if not staff and not is_liaison(user):
        raise PermissionDenied
    unit = user.unit if is_liaison(user) else None
    adopted = None  # the unit's adopted project ids, once read
    if request.htmx and unit is not None:
        project, adopted = _panel_project_and_adopted(pk, unit.pk)
    else:
        project = _get_adoptable_project(pk, with_community=not request.htmx)
    meeting = _open_meeting()
    form = AdoptForm(request.POST or None)
    result = None  # "won" or an error message
    own = _UNKNOWN  # the unit's adoption of this project, once known
    commitment = request.session.get("adopt_commitment", "")

    if request.method == "POST":
        if unit is None:
            raise PermissionDenied
        if form.is_valid():
            commitment = form.cleaned_data["commitment"]
            if adopted is None and not project.has_free_seat:
                # Full as read: the refusal and the offers after it need the same read.
                adopted = _unit_project_ids(unit)
            try:
                own = actions.adopt(
                    project,
                    unit,
                    meeting,
                    commitment=commitment,
                    recorded_by=user,
                    unit_project_ids=adopted,
                )
                result = "won"
                request.session.pop("adopt_commitment", None)
            except actions.AdoptionError as exc:
                result = str(exc.message)
                if isinstance(exc, (actions.AlreadyTaken, actions.ProjectNotOpen)):
                    own = None  # refused after finding the unit had not adopted it
                if not request.htmx and request.session.get("adopt_commitment") != commitment:
                    # Carried over the redirect for the one-tap adoption of another
                    # project offered to the loser. The htmx panel carries it in its forms.
                    request.session["adopt_commitment"] = commitment
            if not request.htmx:
                if result == "won":
                    messages.success(request, _("Adopted! Thank you for your commitment."))
                else:
                    messages.error(request, result)
                return redirect("projects:project-adopt", pk=project.pk)

    alternatives = []
    if unit is None:
        own = None
    else:
        taken = not project.has_free_seat
        if own is _UNKNOWN:
            if taken and adopted is None:
                adopted = _unit_project_ids(unit)
            if adopted is not None and project.pk not in adopted:
                own = None
            else:
                own = Adoption.objects.filter(project=project, unit=unit).first()
        if own is None and meeting is not None and taken:
            if adopted is None:
                adopted = _unit_project_ids(unit)
            alternatives = _other_open_projects(project, adopted)
    context = {
        "alternatives": alternatives,
        "offer_items": _offer_items(request, alternatives, commitment),
        "commitment": commitment,
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
