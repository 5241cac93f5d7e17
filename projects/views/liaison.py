"""The liaison's portal: renewals, their unit's projects and milestones."""

from django.contrib import messages
from django.db.models import (
    Count,
    Q,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.pagecache import canonical_query, shared_page
from core.access import across_councils_for_liaison, liaison_required

from .. import actions
from ..access import get_project_for_liaison
from ..forms import (
    MilestoneDoneForm,
    ProgressUpdateForm,
    RenewalConfirmForm,
    RenewalDropForm,
)
from ..models import (
    Milestone,
    Project,
    RenewalProposal,
)


def _get_milestone_for_liaison(request, pk):
    return get_object_or_404(
        Milestone.objects.select_related("project").filter(
            project__adoptions__unit_id=request.user.unit_id
        ),
        pk=pk,
    )


def _get_proposal_for_liaison(request, pk):
    return get_object_or_404(
        RenewalProposal.objects.select_related(
            "meeting", "unit", "previous_adoption__project__community"
        ).filter(unit_id=request.user.unit_id),
        pk=pk,
    )


@liaison_required
def my_renewals(request):
    proposals = (
        RenewalProposal.objects.filter(unit_id=request.user.unit_id)
        .select_related("meeting", "previous_adoption__project__community", "adoption__project")
        .order_by("-meeting__held_on", "status", "id")
    )
    return render(
        request,
        "projects/my_renewals.html",
        {
            "proposals": proposals,
            "confirm_form": RenewalConfirmForm(),
            "drop_form": RenewalDropForm(),
        },
    )


@require_POST
@liaison_required
def renewal_confirm(request, pk):
    proposal = _get_proposal_for_liaison(request, pk)
    form = RenewalConfirmForm(request.POST)
    if form.is_valid():
        try:
            actions.confirm_renewal(
                proposal, by=request.user, commitment=form.cleaned_data["commitment"]
            )
        except actions.AdoptionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Renewed. The project continues this year."))
    return redirect("projects:my-renewals")


@require_POST
@liaison_required
def renewal_drop(request, pk):
    proposal = _get_proposal_for_liaison(request, pk)
    form = RenewalDropForm(request.POST)
    if form.is_valid():
        try:
            actions.drop_renewal(proposal, by=request.user, reason=form.cleaned_data["reason"])
        except actions.AdoptionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Recorded: your unit will not renew this project."))
    return redirect("projects:my-renewals")


# The liaison portal -----------------------------------------------------------------------


def _with_done_forms(milestones):
    """Give each open milestone its own empty "mark done" form, which its partial shows."""
    for milestone in milestones:
        if not milestone.is_done:
            milestone.done_form = MilestoneDoneForm(milestone=milestone)
    return milestones


@liaison_required
@shared_page(params=("year",), per_unit=True)
@across_councils_for_liaison
def my_projects(request):
    """The unit's projects: this year's (or its newest year's) with their milestones, and
    each earlier year as a link to its own page, so twenty years of adoptions in several
    councils never make one page."""
    today = timezone.localdate()
    adopted = Project.objects.filter(adoptions__unit_id=request.user.unit_id)
    years = list(
        adopted.order_by().values_list("year").annotate(n=Count("id")).order_by("-year")
    )
    # This year's projects open (the newest year's if none is this year's).
    open_from = min(today.year, years[0][0]) if years else today.year
    asked = request.GET.get("year", "")
    chosen = int(asked) if asked.isascii() and asked.isdigit() and len(asked) == 4 else None
    if chosen not in {year for year, _n in years}:
        chosen = None
    shown = adopted.filter(year=chosen) if chosen else adopted.filter(year__gte=open_from)
    canonical_query(request, [("year", chosen)] if chosen else [])
    projects = list(
        shown.select_related("community")
        .prefetch_related("milestones")
        .annotate(
            overdue_count=Count(
                "milestones",
                filter=Q(milestones__done_on=None, milestones__due_on__lt=today),
            )
        )
        .order_by("-year", "title")
    )
    for project in projects:
        _with_done_forms(project.milestones.all())
    return render(
        request,
        "projects/my_projects.html",
        {
            "projects": projects,
            "chosen_year": chosen,
            "other_years": [(y, n) for y, n in years if (y != chosen if chosen else y < open_from)],
        },
    )


@liaison_required
@across_councils_for_liaison
def my_project(request, pk):
    project = get_project_for_liaison(request, pk)
    form = ProgressUpdateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        actions.post_progress(
            project,
            text=form.cleaned_data["text"],
            photos=form.cleaned_data["photos"],
            by=request.user,
        )
        messages.success(request, _("Progress update posted."))
        return redirect("projects:my-project", pk=project.pk)
    milestones = _with_done_forms(list(project.milestones.all()))
    return render(
        request,
        "projects/my_project.html",
        {
            "project": project,
            "milestones": milestones,
            "form": form,
            "updates": project.updates.prefetch_related("photos")[:10],
            "can_complete": actions.can_complete(project),
        },
    )


@require_POST
@liaison_required
@across_councils_for_liaison
def milestone_done(request, pk):
    milestone = _get_milestone_for_liaison(request, pk)
    form = MilestoneDoneForm(request.POST, milestone=milestone)
    if form.is_valid() and not milestone.is_done:
        actions.complete_milestone(milestone, evidence=form.cleaned_data["evidence"])
        milestone.refresh_from_db()
        if not request.htmx:
            messages.success(request, _("Milestone marked as done."))
    if request.htmx:
        milestone.done_form = form if form.errors else MilestoneDoneForm(milestone=milestone)
        return render(request, "projects/my_project.html#milestone", {"milestone": milestone})
    if form.errors:
        messages.error(request, _("Describe what was done to mark the milestone done."))
    return redirect("projects:my-project", pk=milestone.project_id)


@require_http_methods(["GET", "POST"])
@liaison_required
@across_councils_for_liaison
def my_project_complete(request, pk):
    """已完成 in two steps: GET (or a POST without ``confirmed``) says what will change,
    the confirmed POST completes the project."""
    project = get_project_for_liaison(request, pk)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        if not actions.can_complete(project):
            messages.error(request, _("Finish every milestone before completing the project."))
            return redirect("projects:my-project", pk=project.pk)
        return render(
            request,
            "projects/project_end.html",
            {
                "project": project,
                "action": reverse("projects:my-project-complete", args=[project.pk]),
                "back": reverse("projects:my-project", args=[project.pk]),
                "progress_url": reverse("projects:my-project", args=[project.pk]) + "#progress",
                **actions.ending_consequences(project, Project.Status.COMPLETED),
            },
        )
    try:
        actions.complete_project(project)
    except actions.AdoptionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Project completed. Thank you!"))
    if request.htmx:
        return HttpResponseClientRedirect(reverse("projects:my-project", args=[project.pk]))
    return redirect("projects:my-project", pk=project.pk)


# --- Two-way matching (双向认领) and the three lists -------------------------------------------
