"""Office staff create and edit projects and move them through their statuses."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import (
    staff_required,
)
from core.params import to_ids

from .. import actions
from ..forms import (
    MilestoneFormSet,
    ProjectForm,
    TransitionForm,
)
from ..models import (
    InvalidTransition,
    Need,
    Project,
)
from .common import _get_project_for_staff


def _milestone_formset(request, project):
    return MilestoneFormSet(
        request.POST if request.method == "POST" else None, instance=project, prefix="milestones"
    )


@staff_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    need_ids = to_ids(request.GET.getlist("need"))
    if len(need_ids) != len(request.GET.getlist("need")):
        return render(request, "400.html", status=400)
    needs = list(
        Need.objects.filter(
            pk__in=need_ids,
            status=Need.Status.PENDING,
        ).select_related("community")
    )
    if request.method == "POST":
        form = ProjectForm(request.POST)
        if form.is_valid():
            project = actions.create_project(form, by=request.user)
            messages.success(request, _("The project was saved as a draft."))
            return redirect("projects:project-edit", pk=project.pk)
    else:
        initial = {}
        if needs:
            first = needs[0]
            initial = {
                "title": first.text[:30],
                "description": "\n\n".join(n.text for n in needs),
                "category": first.category,
                "community": first.community_id,
                "year": timezone.localdate().year,
                "needs": [n.pk for n in needs],
            }
        form = ProjectForm(initial=initial)
    return render(
        request, "projects/project_form.html", {"form": form, "needs": needs, "project": None}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = _get_project_for_staff(pk)
    form = ProjectForm(request.POST or None, instance=project)
    formset = _milestone_formset(request, project)
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            actions.edit_project(form, formset, by=request.user)
            messages.success(request, _("The project was saved."))
            return redirect("projects:project-edit", pk=project.pk)
    return render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "formset": formset,
            "project": project,
            "needs": project.needs.select_related("community"),
            "status_changes": project.status_changes(),
        },
    )


def _needs_confirmation(project, target):
    """Ending a project, or reopening a completed one, goes through a confirmation page."""
    return target in actions.ENDING or project.status == Project.Status.COMPLETED


@staff_required
@require_http_methods(["GET", "POST"])
def project_transition(request, pk):
    """Change a project's status. Completing, cancelling and reopening first show what
    will change (GET, or a POST without ``confirmed``); the confirmed POST does it."""
    project = _get_project_for_staff(pk)
    form = TransitionForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
        return redirect("projects:project-edit", pk=project.pk)
    target = form.cleaned_data["status"]
    if target not in project.next_statuses():  # the seats' own moves are not staff's
        messages.error(
            request,
            _("A project that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": project.get_status_display(),
                "target": Project.Status(target).label,
            },
        )
        return redirect("projects:project-edit", pk=project.pk)
    reopening = project.status == Project.Status.COMPLETED
    confirmed = request.method == "POST" and form.cleaned_data["confirmed"]
    if reopening and confirmed and not form.cleaned_data["reason"].strip():
        form.add_error("reason", _("Say why the project is reopened."))
        confirmed = False
    if _needs_confirmation(project, target) and not confirmed:
        return render(
            request,
            "projects/project_end.html",
            {
                "project": project,
                "form": form,
                "reopening": reopening,
                "action": reverse("projects:project-transition", args=[project.pk]),
                "back": reverse("projects:project-edit", args=[project.pk]),
                **actions.ending_consequences(project, target),
            },
        )
    try:
        project = actions.transition_project(
            project, target, reason=form.cleaned_data["reason"].strip()
        )
    except InvalidTransition:  # changed by someone else meanwhile
        messages.error(request, _("The project's status changed meanwhile: look again."))
    else:
        messages.success(
            request,
            _("The project is now “%(status)s”.") % {"status": project.get_status_display()},
        )
    return redirect("projects:project-edit", pk=project.pk)


# --- Joint meeting, adoption, renewals and the liaison portal -----------------------
