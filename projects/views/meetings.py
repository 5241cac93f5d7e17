"""The joint meeting for the office: its window, QR sheet, record, exports and renewals."""

from django.conf import settings
from django.contrib import messages
from django.db.models import (
    Count,
    Q,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import (
    staff_required,
)
from core.siteurl import site_url_is_loopback
from core.pagecache import (
    per_version,
)
from units.models import MemberUnit

from .. import actions, exports
from ..forms import (
    JointMeetingForm,
    RecordForm,
)
from ..models import (
    Adoption,
    JointMeeting,
    Project,
    RenewalProposal,
)
from .public import _adopt_url


def _get_meeting(pk):
    return get_object_or_404(JointMeeting, pk=pk)


@per_version
def _open_meeting():
    """The meeting whose adoption window is open now (the latest, if several are).

    Read once per data version: every adoption asks, and ``actions.adopt`` checks the
    window again in its transaction."""
    return JointMeeting.objects.filter(adoption_open=True).order_by("-held_on", "-id").first()


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
    today = timezone.localdate()
    meetings = list(meetings)
    for meeting in meetings:
        meeting.past = meeting.is_past(today)
    return render(
        request, "projects/meeting_list.html", {"meetings": meetings, **_site_address()}
    )


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
        actions.save_meeting(form)
        messages.success(request, _("Joint meeting saved."))
        return redirect("projects:meeting-list")
    return render(request, "projects/meeting_form.html", {"form": form, "meeting": meeting})


@require_http_methods(["GET", "POST"])
@staff_required
def meeting_window(request, pk):
    """Open or close the adoption window: GET asks to confirm, POST ``action=open|close``
    does it. Opening one meeting closes any other that was open."""
    meeting = _get_meeting(pk)
    if request.method == "GET":
        others = JointMeeting.objects.filter(adoption_open=True).exclude(pk=meeting.pk)
        context = {"meeting": meeting, "others": others, "opening": not meeting.adoption_open}
        return render(request, "projects/meeting_window.html", context)
    opening = request.POST.get("action") == "open"
    closed = actions.set_adoption_window(meeting, open=opening)
    if opening:
        messages.success(request, _("Adoption is open: liaisons can adopt by scanning the codes."))
        for other in closed:
            messages.info(request, _("Adoption at “%(title)s” was closed.") % {"title": other})
    else:
        messages.success(request, _("Adoption is closed."))
    return redirect("projects:meeting-list")


# QR codes -------------------------------------------------------------------------------


def _site_address():
    """What the QR codes point at, for the office to check before printing them."""
    return {"site_url": settings.SITE_URL, "site_url_is_loopback": site_url_is_loopback()}


@staff_required
def meeting_qr_sheet(request, pk):
    meeting = _get_meeting(pk)
    projects = (
        Project.objects.with_free_seat()
        .select_related("community")
        .order_by("community__name", "title")
    )
    rows = [(p, _adopt_url(p)) for p in projects]
    return render(
        request,
        "projects/meeting_qr_sheet.html",
        {"meeting": meeting, "rows": rows, **_site_address()},
    )


# Adoption by the liaison ----------------------------------------------------------------


#: How many still-open projects the loser of a race is offered.
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
        "unit_names": MemberUnit.objects.members().values_list("name", flat=True),
        "project_labels": [
            RecordForm.project_label(p)
            for p in Project.objects.with_free_seat()
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


@staff_required
def meeting_export(request, pk):
    return exports.meeting_xlsx(_get_meeting(pk))


@staff_required
def meeting_signing_sheet(request, pk):
    meeting = _get_meeting(pk)
    return render(
        request,
        "projects/meeting_signing_sheet.html",
        {"meeting": meeting, "adoptions": exports.meeting_adoptions(meeting)},
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
