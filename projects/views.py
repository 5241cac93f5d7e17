from django.shortcuts import get_object_or_404, redirect, render  # noqa: F401

# --- Public board, needs, staff triage and project editing -------------------------


# --- Joint meeting, adoption, renewals and the liaison portal -----------------------
# Imports for this section live here so the two halves of the module merge cleanly.
import datetime  # noqa: E402

import qrcode  # noqa: E402
import qrcode.image.svg  # noqa: E402
from django.contrib import messages  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.exceptions import PermissionDenied  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from django.views.decorators.http import require_GET, require_POST  # noqa: E402
from django_htmx.http import HttpResponseClientRedirect  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from units.models import MemberUnit  # noqa: E402
from zhujing.accounts.access import (  # noqa: E402
    is_liaison,
    is_office_staff,
    liaison_required,
    staff_required,
)

from . import actions  # noqa: E402
from .meeting_forms import (  # noqa: E402
    AdoptForm,
    JointMeetingForm,
    MilestoneDoneForm,
    ProgressUpdateForm,
    RecordForm,
    RenewalConfirmForm,
    RenewalDropForm,
)
from .models import (  # noqa: E402
    Adoption,
    Category,
    JointMeeting,
    Milestone,
    ProgressPhoto,
    ProgressUpdate,
    Project,
    RenewalProposal,
)

SCREEN_TTL = 10  # seconds; adoptions also invalidate the cache at once
RECENT_ON_SCREEN = 8


def _get_meeting(pk):
    return get_object_or_404(JointMeeting, pk=pk)


def _open_meeting():
    """The meeting whose adoption window is open now (the latest, if several are)."""
    return JointMeeting.objects.filter(adoption_open=True).order_by("-held_on", "-id").first()


def _get_project_for_liaison(request, pk):
    """A project the liaison's unit has adopted; anything else is a 404."""
    return get_object_or_404(
        Project.objects.select_related("community").filter(adoptions__unit_id=request.user.unit_id),
        pk=pk,
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


# Staff: meetings ------------------------------------------------------------------------


@staff_required
def meeting_list(request):
    proposals = RenewalProposal.Status
    meetings = JointMeeting.objects.annotate(
        adoption_total=Count("adoptions", distinct=True),
        unit_total=Count("adoptions__unit", distinct=True),
        renewals_pending=Count(
            "renewal_proposals",
            filter=Q(renewal_proposals__status=proposals.PENDING),
            distinct=True,
        ),
        renewals_confirmed=Count(
            "renewal_proposals",
            filter=Q(renewal_proposals__status=proposals.CONFIRMED),
            distinct=True,
        ),
        renewals_dropped=Count(
            "renewal_proposals",
            filter=Q(renewal_proposals__status=proposals.DROPPED),
            distinct=True,
        ),
    ).order_by("-held_on", "-id")
    return render(request, "projects/meeting_list.html", {"meetings": meetings})


@staff_required
def meeting_create(request):
    form = JointMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, _("Joint meeting “%(title)s” created.") % {"title": meeting})
        return redirect("projects:meeting-list")
    return render(request, "projects/meeting_form.html", {"form": form, "meeting": None})


@staff_required
def meeting_edit(request, pk):
    meeting = _get_meeting(pk)
    form = JointMeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        form.save()
        actions.invalidate_screen(meeting.pk)
        messages.success(request, _("Joint meeting saved."))
        return redirect("projects:meeting-list")
    return render(request, "projects/meeting_form.html", {"form": form, "meeting": meeting})


@require_POST
@staff_required
def meeting_window(request, pk):
    """Open or close the adoption window (POST ``action=open|close``)."""
    meeting = _get_meeting(pk)
    opening = request.POST.get("action") == "open"
    JointMeeting.objects.filter(pk=meeting.pk).update(adoption_open=opening)
    actions.invalidate_screen(meeting.pk)
    if opening:
        messages.success(request, _("Adoption is open: liaisons can adopt by scanning the codes."))
    else:
        messages.success(request, _("Adoption is closed."))
    return redirect("projects:meeting-list")


# QR codes -------------------------------------------------------------------------------


def _adopt_url(request, project):
    return request.build_absolute_uri(reverse("projects:project-adopt", args=[project.pk]))


@require_GET
def project_qr(request, pk):
    """An SVG QR code pointing at the project's adopt page (open projects only)."""
    project = get_object_or_404(Project, pk=pk, status=Project.Status.OPEN)
    image = qrcode.make(
        _adopt_url(request, project),
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
    )
    response = HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response


@staff_required
def meeting_qr_sheet(request, pk):
    meeting = _get_meeting(pk)
    projects = (
        Project.objects.filter(status=Project.Status.OPEN)
        .select_related("community")
        .order_by("community__name", "title")
    )
    rows = [(p, _adopt_url(request, p)) for p in projects]
    return render(request, "projects/meeting_qr_sheet.html", {"meeting": meeting, "rows": rows})


# Adoption by the liaison ----------------------------------------------------------------


@login_required
def project_adopt(request, pk):
    """Where the QR code leads: the liaison reads the project, commits, confirms."""
    user = request.user
    staff = is_office_staff(user)
    if not staff and not is_liaison(user):
        raise PermissionDenied
    project = get_object_or_404(
        Project.objects.select_related("community").exclude(
            status__in=[Project.Status.DRAFT, Project.Status.CANCELLED]
        ),
        pk=pk,
    )
    meeting = _open_meeting()
    unit = user.unit if is_liaison(user) else None
    form = AdoptForm(request.POST or None)
    result = None  # "won" or an error message

    if request.method == "POST":
        if unit is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                if meeting is None:
                    raise actions.WindowClosed()
                actions.adopt(
                    project,
                    unit,
                    meeting,
                    commitment=form.cleaned_data["commitment"],
                    recorded_by=user,
                )
                result = "won"
            except actions.AdoptionError as exc:
                result = str(exc.message)
            if not request.htmx:
                if result == "won":
                    messages.success(request, _("Adopted! Thank you for your commitment."))
                else:
                    messages.error(request, result)
                return redirect("projects:project-adopt", pk=project.pk)
            project.refresh_from_db()

    own = None
    if unit is not None:
        own = Adoption.objects.filter(project=project, unit=unit).first()
    context = {
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


def _screen_stats(meeting_pk):
    """Totals for the projector, from the cache; one rebuild per TTL or adoption."""
    key = actions.screen_cache_key(meeting_pk)
    stats = cache.get(key)
    if stats is not None:
        return stats
    meeting = _get_meeting(meeting_pk)
    adoptions = Adoption.objects.filter(meeting=meeting)
    per_category = dict(
        adoptions.values_list("project__category").annotate(n=Count("id")).order_by()
    )
    recent = [
        {
            "unit": a.unit.name,
            "project": a.project.title,
            "renewal": a.kind == Adoption.Kind.RENEWAL,
        }
        for a in adoptions.select_related("unit", "project").order_by("-recorded_at", "-id")[
            :RECENT_ON_SCREEN
        ]
    ]
    stats = {
        "meeting_pk": meeting.pk,
        "title": meeting.title,
        "held_on": meeting.held_on.isoformat(),
        "adoption_open": meeting.adoption_open,
        "units": adoptions.values("unit").distinct().count(),
        "projects": adoptions.values("project").distinct().count(),
        "adoptions": adoptions.count(),
        "by_category": [(value, per_category.get(value, 0)) for value in Category.values],
        "recent": recent,
        "at": timezone.now().isoformat(),
    }
    cache.set(key, stats, SCREEN_TTL)
    return stats


def _screen_context(stats):
    labels = dict(Category.choices)
    top = max([n for _v, n in stats["by_category"]] + [1])
    return {
        "stats": stats,
        "held_on": datetime.date.fromisoformat(stats["held_on"]),
        "categories": [
            {"value": v, "label": labels[v], "count": n, "max": top}
            for v, n in stats["by_category"]
        ],
    }


def _render_screen(template, pk):
    # Rendered without the request: no context processor looks at request.user, so a
    # signed-in projector costs no session or user query either.
    html = render_to_string(template, _screen_context(_screen_stats(pk)))
    return HttpResponse(html)


@require_GET
def meeting_screen(request, pk):
    """Public page for the projector: big numbers, refreshed every 3 s by htmx."""
    return _render_screen("projects/meeting_screen.html", pk)


@require_GET
def meeting_screen_stats(request, pk):
    """The polled fragment; no database query while the cache is warm."""
    return _render_screen("projects/meeting_screen.html#stats", pk)


# Staff records, exports -------------------------------------------------------------------


@staff_required
def meeting_record(request, pk):
    """Fast entry at the meeting: unit, project, commitment, Enter; the form resets."""
    meeting = _get_meeting(pk)
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        project = form.cleaned_data["project"]
        try:
            actions.adopt(
                project,
                unit,
                meeting,
                commitment=form.cleaned_data["commitment"],
                recorded_by=request.user,
            )
        except actions.AdoptionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Recorded: %(unit)s adopted %(project)s.")
                % {"unit": unit.name, "project": project.title},
            )
            if not request.htmx:
                return redirect("projects:meeting-record", pk=meeting.pk)
            form = RecordForm()
    context = {
        "meeting": meeting,
        "form": form,
        "recent": meeting.adoptions.select_related("unit", "project").order_by(
            "-recorded_at", "-id"
        )[:5],
        "unit_names": MemberUnit.objects.active().values_list("name", flat=True),
        "project_labels": [
            RecordForm.project_label(p)
            for p in Project.objects.filter(status=Project.Status.OPEN)
            .select_related("community")
            .order_by("title")
        ],
    }
    template = "projects/meeting_record.html"
    if request.htmx:
        template += "#record-panel"
    return render(request, template, context)


@require_POST
@staff_required
def meeting_withdraw(request, pk, adoption_pk):
    """Undo an adoption recorded in error (staff only); the seat is free again."""
    adoption = get_object_or_404(
        Adoption.objects.select_related("unit", "project"), pk=adoption_pk, meeting_id=pk
    )
    try:
        actions.withdraw(adoption, by=request.user)
    except actions.AdoptionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Withdrawn: %(unit)s no longer adopts %(project)s.")
            % {"unit": adoption.unit.name, "project": adoption.project.title},
        )
    return redirect("projects:meeting-record", pk=pk)


def _meeting_adoptions(meeting):
    return meeting.adoptions.select_related("unit", "project__community").order_by(
        "recorded_at", "id"
    )


@staff_required
def meeting_export(request, pk):
    meeting = _get_meeting(pk)
    book = Workbook()
    sheet = book.active
    sheet.title = str(meeting.held_on.year)
    sheet.append(
        [
            _("No."),
            _("Member unit"),
            _("Project"),
            _("Community"),
            _("Category"),
            _("Kind"),
            _("Commitment"),
            _("Recorded at"),
        ]
    )
    for n, a in enumerate(_meeting_adoptions(meeting), start=1):
        sheet.append(
            [
                n,
                a.unit.name,
                a.project.title,
                a.project.community.name,
                str(a.project.get_category_display()),
                str(a.get_kind_display()),
                a.commitment,
                timezone.localtime(a.recorded_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    for column, width in zip("ABCDEFGH", (6, 28, 28, 16, 12, 10, 50, 18), strict=True):
        sheet.column_dimensions[column].width = width
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"adoptions-{meeting.held_on.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    book.save(response)
    return response


@staff_required
def meeting_signing_sheet(request, pk):
    meeting = _get_meeting(pk)
    return render(
        request,
        "projects/meeting_signing_sheet.html",
        {"meeting": meeting, "adoptions": _meeting_adoptions(meeting)},
    )


# Renewals (续认领) -------------------------------------------------------------------------


@require_POST
@staff_required
def meeting_rollover(request, pk):
    meeting = _get_meeting(pk)
    created = actions.rollover(meeting)
    messages.success(
        request,
        _("%(n)d renewal proposals created for the units to confirm.") % {"n": created},
    )
    return redirect("projects:meeting-renewals", pk=meeting.pk)


@staff_required
def meeting_renewals(request, pk):
    """Staff see which units still have to decide on last year's projects."""
    meeting = _get_meeting(pk)
    proposals = meeting.renewal_proposals.select_related(
        "unit", "previous_adoption__project__community", "adoption__project"
    ).order_by("status", "unit__name", "id")
    return render(
        request, "projects/meeting_renewals.html", {"meeting": meeting, "proposals": proposals}
    )


@liaison_required
def my_renewals(request):
    proposals = RenewalProposal.objects.filter(unit_id=request.user.unit_id).select_related(
        "meeting", "previous_adoption__project__community", "adoption__project"
    ).order_by("-meeting__held_on", "status", "id")
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


@liaison_required
def my_projects(request):
    projects = (
        Project.objects.filter(adoptions__unit_id=request.user.unit_id)
        .select_related("community")
        .prefetch_related("milestones")
        .order_by("-year", "title")
    )
    return render(
        request,
        "projects/my_projects.html",
        {"projects": projects, "done_form": MilestoneDoneForm()},
    )


@liaison_required
def my_project(request, pk):
    project = _get_project_for_liaison(request, pk)
    form = ProgressUpdateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            update = ProgressUpdate.objects.create(
                project=project, text=form.cleaned_data["text"], author=request.user
            )
            for photo in form.cleaned_data["photos"]:
                ProgressPhoto.objects.create(update=update, image=photo)
        messages.success(request, _("Progress update posted."))
        return redirect("projects:my-project", pk=project.pk)
    milestones = list(project.milestones.all())
    return render(
        request,
        "projects/my_project.html",
        {
            "project": project,
            "milestones": milestones,
            "form": form,
            "done_form": MilestoneDoneForm(),
            "updates": project.updates.prefetch_related("photos")[:10],
            "can_complete": actions.can_complete(project),
        },
    )


@require_POST
@liaison_required
def milestone_done(request, pk):
    milestone = _get_milestone_for_liaison(request, pk)
    form = MilestoneDoneForm(request.POST)
    if form.is_valid() and not milestone.is_done:
        actions.complete_milestone(milestone, evidence=form.cleaned_data["evidence"])
        milestone.refresh_from_db()
        if not request.htmx:
            messages.success(request, _("Milestone marked as done."))
    if request.htmx:
        return render(
            request,
            "projects/my_project.html#milestone",
            {"milestone": milestone, "done_form": form if form.errors else MilestoneDoneForm()},
        )
    if form.errors:
        messages.error(request, _("Describe what was done to mark the milestone done."))
    return redirect("projects:my-project", pk=milestone.project_id)


@require_POST
@liaison_required
def my_project_complete(request, pk):
    project = _get_project_for_liaison(request, pk)
    try:
        actions.complete_project(project)
    except actions.AdoptionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Project completed. Thank you!"))
    if request.htmx:
        return HttpResponseClientRedirect(reverse("projects:my-project", args=[project.pk]))
    return redirect("projects:my-project", pk=project.pk)
