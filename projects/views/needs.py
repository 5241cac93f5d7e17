"""The office's needs inbox, two-way matching (双向认领) and the three lists."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pagecache import shared_page
from core.access import (
    liaison_required,
    member_required,
    staff_required,
    wants_partial,
    works_here,
)
from core.params import safe_next
from units.models import Pairing, Resource

from .. import actions, lists, matching
from ..forms import (
    DeclineForm,
    LinkNeedForm,
    MatchDeclineForm,
    NeedFilterForm,
    OpenProjectForm,
    ProposeMatchForm,
)
from ..models import (
    JointMeeting,
    Match,
    Need,
    Project,
)
from .common import NEED_INBOX_PAGE_SIZE, _get_need_for_staff, _query_without_page
from .meetings import _open_meeting


def _matches_of_need(status):
    """How many of a need's matches have ``status``, as a subquery for one row."""
    matches = (
        Match.objects.filter(need=OuterRef("pk"), status=status)
        .order_by()
        .values("need")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(matches), 0)


@staff_required
@never_cache
@require_GET
@shared_page(signed_in=True)
def need_inbox(request):
    form = NeedFilterForm(request.GET or None)
    linkable = Project.objects.exclude(
        status__in=[Project.Status.COMPLETED, Project.Status.CANCELLED]
    ).order_by("-year", "title")
    needs = form.filter(
        Need.objects.select_related("community", "project").prefetch_related(
            Prefetch("community__projects", queryset=linkable, to_attr="linkable_projects")
        )
    ).annotate(
        # What units offered: the card says so, the office need not open each need to see it.
        # Counted per row shown (no GROUP BY), so the inbox's order still comes from its index.
        offers=_matches_of_need(Match.Status.PROPOSED),
        responded=_matches_of_need(Match.Status.ACCEPTED),
    )
    page = Paginator(needs.in_inbox_order(), NEED_INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    template_name = "projects/need_inbox.html"
    if wants_partial(request):
        template_name += "#results"
    response = render(
        request,
        template_name,
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "pending_count": Need.objects.filter(status=Need.Status.PENDING).count(),
        },
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _need_row(request, need, status=200):
    return render(request, "projects/need_inbox.html#need-row", {"need": need}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def need_decline(request, pk):
    need = _get_need_for_staff(pk)
    if need.status != Need.Status.PENDING:
        messages.error(request, _("This need has already been reviewed."))
        return redirect("projects:need-inbox")
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        need.decline(form.cleaned_data["reply"], by=request.user)
        if request.htmx:
            return _need_row(request, need)
        messages.success(request, _("The need was declined; the resident sees your reply."))
        return redirect("projects:need-inbox")
    template_name = "projects/need_decline.html"
    if request.htmx:
        template_name += "#decline-form"
    status = 400 if request.method == "POST" else 200
    return render(request, template_name, {"need": need, "form": form}, status=status)


@staff_required
@require_POST
def need_link(request, pk):
    """Accept a need into an existing project."""
    need = _get_need_for_staff(pk)
    if need.status != Need.Status.PENDING:
        messages.error(request, _("This need has already been reviewed."))
        return redirect("projects:need-inbox")
    form = LinkNeedForm(request.POST, need=need)
    if form.is_valid():
        need.accept(form.cleaned_data["project"], by=request.user)
        messages.success(request, _("The need was accepted into the project."))
    else:
        messages.error(request, _("Choose a project of the same community."))
    return redirect("projects:need-inbox")


MY_NEEDS_PAGE_SIZE = 20


def _get_open_need_for_member(request, pk):
    """Office staff reach every open need; a liaison only those their unit may see."""
    needs = Need.objects.open().select_related("community__district", "project")
    if not works_here(request):
        needs = needs.visible_to_unit(request.user.unit_id)
    return get_object_or_404(needs, pk=pk)


def _get_resource_for_member(request, pk):
    """Office staff reach every resource; a liaison only their own unit's."""
    resources = Resource.objects.select_related("unit").prefetch_related("districts", "communities")
    if not works_here(request):
        resources = resources.filter(unit_id=request.user.unit_id)
    return get_object_or_404(resources, pk=pk)


def _get_match_for_staff(pk):
    return get_object_or_404(
        Match.objects.select_related("need__community", "resource__unit", "project"), pk=pk
    )


def _offerable_resources(request):
    """What the asker may offer: their unit's active resources, or (office) any active one."""
    resources = Resource.objects.filter(is_active=True, unit__is_active=True).select_related("unit")
    if not works_here(request):
        resources = resources.filter(unit_id=request.user.unit_id)
    return resources.order_by("unit__name", "title", "id")


def _safe_next(request, default):
    return safe_next(request, request.POST.get("next"), default)


@staff_required
@require_GET
def need_detail(request, pk):
    """One need for the office: suggested resources (each says why) and the matches so far."""
    need = get_object_or_404(
        Need.objects.select_related("community__district", "project", "reviewed_by"), pk=pk
    )
    suggestions = matching.suggest_resources(need) if need.status != Need.Status.DECLINED else []
    matches = need.matches.select_related("resource__unit", "project").order_by(
        "-created_at", "-id"
    )
    return render(
        request,
        "projects/need_detail.html",
        {"need": need, "suggestions": suggestions, "matches": matches},
    )


@require_POST
@member_required
def match_propose(request, pk):
    """ "我单位可以认领这个需求": a liaison offers their unit's resource; the office any."""
    need = _get_open_need_for_member(request, pk)
    staff = works_here(request)
    default = (
        reverse("projects:need-detail", args=[need.pk]) if staff else reverse("projects:my-needs")
    )
    form = ProposeMatchForm(request.POST, resources=_offerable_resources(request))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_safe_next(request, default))
    try:
        actions.propose_match(
            need,
            form.cleaned_data["resource"],
            by=request.user,
            proposed_by=Match.ProposedBy.OFFICE if staff else Match.ProposedBy.UNIT,
            note=form.cleaned_data["note"],
        )
    except actions.AdoptionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Proposed. The office will confirm the match.")
            if not staff
            else _("The match was proposed."),
        )
    return redirect(_safe_next(request, default))


@require_POST
@staff_required
def match_accept(request, pk):
    match = _get_match_for_staff(pk)
    try:
        actions.accept_match(match, by=request.user)
    except actions.AdoptionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The match was accepted; the resident sees that a unit has responded.")
        )
    return redirect(_safe_next(request, reverse("projects:need-detail", args=[match.need_id])))


@staff_required
@require_http_methods(["GET", "POST"])
def match_decline(request, pk):
    match = _get_match_for_staff(pk)
    back = reverse("projects:need-detail", args=[match.need_id])
    if match.status != Match.Status.PROPOSED:
        messages.error(request, _("This match has already been decided."))
        return redirect(back)
    form = MatchDeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.decline_match(match, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The match was declined; the unit sees your reason."))
        return redirect(back)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "projects/match_decline.html", {"match": match, "form": form}, status=status
    )


def _meeting_for_adoption():
    """Where an adoption decided by the office is recorded: the open meeting, else this year's."""
    return _open_meeting() or (
        JointMeeting.objects.filter(held_on__year=timezone.localdate().year)
        .order_by("-held_on", "-id")
        .first()
    )


@require_POST
@staff_required
def match_open_project(request, pk):
    match = _get_match_for_staff(pk)
    form = OpenProjectForm(request.POST)
    adopt_now = form.is_valid() and form.cleaned_data["adopt_now"]
    try:
        project = actions.open_project_from_match(
            match,
            by=request.user,
            adopt_now=adopt_now,
            meeting=_meeting_for_adoption() if adopt_now else None,
        )
    except actions.AdoptionError as error:
        messages.error(request, error.message)
        return redirect("projects:need-detail", pk=match.need_id)
    if adopt_now:
        messages.success(request, _("The project was opened and adopted by the unit."))
    else:
        messages.success(
            request,
            _("A draft project was opened; the unit is invited to adopt it at the joint meeting."),
        )
    return redirect("projects:project-edit", pk=project.pk)


@liaison_required
@require_GET
def my_needs(request):
    """The needs a liaison's unit may take on, its paired communities' first."""
    unit_id = request.user.unit_id
    paired = Pairing.objects.current().filter(unit_id=unit_id).values("community_id")
    needs = (
        Need.objects.visible_to_unit(unit_id)
        .select_related("community__district")
        .prefetch_related(
            Prefetch(
                "matches",
                queryset=Match.objects.filter(resource__unit_id=unit_id).select_related("resource"),
                to_attr="unit_matches",
            )
        )
        .annotate(
            paired_first=Case(
                When(community_id__in=paired, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("paired_first", "-submitted_at", "-pk")
    )
    page = Paginator(needs, MY_NEEDS_PAGE_SIZE).get_page(request.GET.get("page"))
    resources = list(_offerable_resources(request))
    for need in page.object_list:
        # A resource proposed or accepted for this need is not offered again.
        live = {m.resource_id for m in need.unit_matches if m.status != Match.Status.DECLINED}
        need.offerable = [r for r in resources if r.pk not in live]
    return render(
        request,
        "projects/my_needs.html",
        {"page": page, "resources": resources, "query": _query_without_page(request)},
    )


@member_required
@require_GET
def resource_needs(request, pk):
    """Open needs a resource could meet, ranked, each saying why; propose from here."""
    resource = _get_resource_for_member(request, pk)
    pool = matching.open_needs()
    if not works_here(request):
        pool = pool.visible_to_unit(request.user.unit_id)
    suggestions = matching.suggest_needs(resource, needs=pool)
    return render(
        request,
        "projects/resource_needs.html",
        {"resource": resource, "suggestions": suggestions},
    )


@staff_required
@require_GET
def three_lists(request):
    """三张清单 per district: needs, resources and projects side by side, with open matches."""
    return render(request, "projects/three_lists.html", lists.three_lists(timezone.localdate()))
