"""Views of the projects app: the public board, needs, project editing, the joint
meeting, adoption, renewals and the liaison portal.

Each view parses its input with a form, calls a model method or an action
(``projects.actions``) and renders; objects are loaded through one helper per need.
"""

from dataclasses import dataclass
from functools import lru_cache

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from units.models import MemberUnit, Pairing, Resource
from zhujing.accounts.access import (
    client_ip,
    is_liaison,
    is_office_staff,
    liaison_required,
    member_required,
    staff_required,
    wants_partial,
)
from zhujing.pagecache import (
    PLACEHOLDER,
    cache_public_page,
    canonical_query,
    per_version,
)
from zhujing.params import to_id, to_ids
from zhujing.precompiled import ARG, precompiled
from zhujing.sharedcache import cache_signed_in_page

from . import actions, exports, lists, matching, screen
from .forms import (
    AdoptForm,
    DeclineForm,
    JointMeetingForm,
    LinkNeedForm,
    MatchDeclineForm,
    MilestoneDoneForm,
    MilestoneFormSet,
    NeedFilterForm,
    NeedForm,
    NeedLookupForm,
    OpenProjectForm,
    ProgressUpdateForm,
    ProjectFilterForm,
    ProjectForm,
    ProposeMatchForm,
    RecordForm,
    RenewalConfirmForm,
    RenewalDropForm,
    TransitionForm,
)
from .models import (
    Adoption,
    Category,
    InvalidTransition,
    JointMeeting,
    Match,
    Milestone,
    Need,
    ProgressPhoto,
    Project,
    RenewalProposal,
)

BOARD_PAGE_SIZE = 20
ARCHIVE_PAGE_SIZE = 50
NEED_INBOX_PAGE_SIZE = 30
#: Residents may raise this many needs per client IP address per hour.
NEED_RATE_LIMIT = 5
NEED_RATE_WINDOW = 60 * 60


def _query_without_page(request):
    """The list's GET parameters without ``page``, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _adoptions_with_units():
    return Prefetch(
        "adoptions",
        queryset=Adoption.objects.select_related("unit").order_by("recorded_at", "id"),
    )


def _board_projects():
    """Projects with what a card shows, in a fixed number of queries."""
    return (
        Project.objects.select_related("community__district")
        .with_milestone_counts()
        .prefetch_related(_adoptions_with_units())
    )


def _get_project_for_user(request, pk):
    """Residents see every project but drafts; office staff may preview drafts."""
    projects = Project.objects.select_related("community__district", "previous")
    if not is_office_staff(request.user):
        projects = projects.public()
    return get_object_or_404(projects, pk=pk)


def _get_project_for_staff(pk):
    """Office staff edit any project, drafts included."""
    return get_object_or_404(Project.objects.select_related("community"), pk=pk)


def _get_adoptable_project(pk, *, with_community=True):
    """Where a QR code leads: any project past its draft and not cancelled.

    The status is checked here rather than in SQL: a plain lookup by key costs a third of
    the ORM's time of one with an exclusion, on the path every adoption POST takes. The
    htmx panel shows no community and reads only what it shows (``_panel_project``)."""
    if with_community:
        project = get_object_or_404(Project.objects.select_related("community"), pk=pk)
    else:
        project = _panel_project(pk)
    return _adoptable(project)


def _adoptable(project):
    if project.status in (Project.Status.DRAFT, Project.Status.CANCELLED):
        raise Http404
    return project


#: What the htmx adopt panel, the claim and its refusal read of a project. Plain values
#: (text and integers) that need no conversion from either database.
_PANEL_FIELDS = {"id", "title", "category", "community_id", "capacity", "adopted_count", "status"}


def _panel_project(pk):
    """The project for the htmx adopt panel, in one plain SQL statement: every POST of a
    surge reads it, and the ORM took 0.42 ms for what the database answers in 0.12. The
    other fields are deferred (read on first use), so the instance is a normal one."""
    sql, names = _panel_project_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return Project.from_db(connection.alias, names, row)


def _panel_project_and_adopted(pk, unit_id):
    """The panel's project and the ids of the projects the unit has adopted, in one
    statement: a losing POST needs both (the refusal's reason, the offers), and a winner
    or a refusal needs only a few rows more. Each was a round trip of its own."""
    sql, names = _panel_project_and_adopted_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, unit_id])
        rows = cursor.fetchall()
    found = [row[:-1] for row in rows if row[-1] == 1]
    if not found:
        raise Http404
    project = _adoptable(Project.from_db(connection.alias, names, found[0]))
    at = names.index("id")
    return project, {row[at] for row in rows if row[-1] == 0}


@lru_cache(maxsize=1)
def _panel_project_and_adopted_sql():
    """The panel's statement, its rows tagged 1, and the unit's adoptions tagged 0, each
    adopted project's id in the project's id column (portable SQL: a UNION ALL)."""
    sql, names = _panel_project_sql()
    quote = connection.ops.quote_name
    table = quote(Adoption._meta.db_table)
    columns = ["NULL"] * len(names)
    columns[names.index("id")] = f"{table}.{quote(Adoption._meta.get_field('project').column)}"
    unit_id = quote(Adoption._meta.get_field("unit").column)
    select, rest = sql.split(" FROM ", 1)
    sql = (
        f"{select}, 1 FROM {rest} UNION ALL "
        f"SELECT {', '.join(columns)}, 0 FROM {table} WHERE {table}.{unit_id} = %s"
    )
    return sql, names


@lru_cache(maxsize=1)
def _panel_project_sql():
    """The statement, and its columns' names in the model's order (as ``from_db`` takes them)."""
    quote = connection.ops.quote_name
    meta = Project._meta
    table = quote(meta.db_table)
    fields = [f for f in meta.concrete_fields if f.attname in _PANEL_FIELDS]
    columns = ", ".join(f"{table}.{quote(f.column)}" for f in fields)
    sql = f"SELECT {columns} FROM {table} WHERE {table}.{quote(meta.pk.column)} = %s"
    return sql, [f.attname for f in fields]


def _get_open_project(pk):
    """Only an open project has a QR code."""
    return get_object_or_404(Project, pk=pk, status=Project.Status.OPEN)


def _get_photo_for_user(request, pk):
    """A progress photo of a project the user may see: public, or staff, or their unit's."""
    photos = ProgressPhoto.objects.select_related("update__project")
    if not is_office_staff(request.user):
        adopted = Adoption.objects.filter(
            project=OuterRef("update__project"), unit_id=getattr(request.user, "unit_id", None)
        )
        photos = photos.filter(
            ~Q(update__project__status=Project.Status.DRAFT) | Q(Exists(adopted))
        )
    return get_object_or_404(photos, pk=pk)


def _get_need_for_staff(pk):
    return get_object_or_404(Need.objects.select_related("community", "project"), pk=pk)


BOARD_PARAMS = ("q", "district", "community", "category", "status", "year", "page")


def _board_canonical_query(form, page, request):
    """The board's filters as validated values; a search is never stored (any text)."""
    data = form.cleaned_data if form.is_valid() else {}
    pairs = [
        (name, getattr(value, "pk", value))
        for name, value in data.items()
        if name != "q" and value not in (None, "")
    ]
    if "page" in request.GET:
        pairs.append(("page", page.number))
    return pairs


@require_GET
@cache_public_page(params=BOARD_PARAMS)
@cache_signed_in_page
def project_list(request):
    include_drafts = is_office_staff(request.user)
    visible = Project.objects.all() if include_drafts else Project.objects.public()
    years = visible.order_by("-year").values_list("year", flat=True).distinct()
    form = ProjectFilterForm(request.GET or None, years=list(years), include_drafts=include_drafts)

    counts = dict(
        form.filter(visible, skip=("category",))
        .order_by()
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    chosen_category = form.cleaned_data.get("category", "") if form.is_bound else ""
    category_counts = [
        {"value": value, "label": label, "count": counts.get(value, 0), "active": value == chosen_category}
        for value, label in Category.choices
    ]

    projects = form.filter(_board_projects() if include_drafts else _board_projects().public())
    page = Paginator(projects.order_by("-year", "title", "pk"), BOARD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    canonical_query(request, _board_canonical_query(form, page, request))
    query = request.GET.copy()
    query.pop("page", None)
    query_without_category = query.copy()
    query_without_category.pop("category", None)

    template_name = "projects/project_list.html"
    if wants_partial(request):
        template_name += "#results"
    response = render(
        request,
        template_name,
        {
            "form": form,
            "page": page,
            "category_counts": category_counts,
            "total": sum(counts.values()),
            "query": query.urlencode(),
            "query_without_category": query_without_category.urlencode(),
        },
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@cache_public_page
@cache_signed_in_page
def project_detail(request, pk):
    project = _get_project_for_user(request, pk)
    adoptions = list(project.adoptions.select_related("unit").order_by("recorded_at", "id"))
    chain = project.renewal_chain()
    if chain:
        chain_adoptions = {}
        for adoption in Adoption.objects.filter(project__in=chain).select_related("unit"):
            chain_adoptions.setdefault(adoption.project_id, []).append(adoption)
        for earlier in chain:
            earlier.units = [a.unit for a in chain_adoptions.get(earlier.pk, [])]
    later = project.renewals.public().order_by("year", "pk")
    milestones = list(project.milestones.all())
    done = sum(1 for m in milestones if m.is_done)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "needs": project.needs.filter(status=Need.Status.ACCEPTED).order_by("submitted_at"),
            "adoptions": adoptions,
            "milestones": milestones,
            "milestones_done": done,
            "updates": project.updates.prefetch_related("photos"),
            "chain": chain,
            "later": later,
            "today": timezone.localdate(),
            "can_edit": is_office_staff(request.user),
        },
    )


@require_GET
def project_archive(request):
    projects = (
        Project.objects.filter(status=Project.Status.COMPLETED)
        .select_related("community__district")
        .prefetch_related(_adoptions_with_units())
        .order_by("-year", "title", "pk")
    )
    page = Paginator(projects, ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "projects/project_archive.html", {"page": page, "query": _query_without_page(request)}
    )


def _need_rate_key(request):
    return f"need-rate:{client_ip(request) or 'unknown'}"


def _claim_need_slot(key):
    """Count one submission and say whether it is within the limit.

    The count goes up before the need is saved, in one atomic ``incr``: a burst of
    concurrent submissions gets exactly ``NEED_RATE_LIMIT`` through, never more.
    """
    cache.add(key, 0, NEED_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 0, NEED_RATE_WINDOW)
        count = cache.incr(key)
    return count <= NEED_RATE_LIMIT


@require_http_methods(["GET", "POST"])
def need_create(request):
    if request.method == "POST":
        key = _need_rate_key(request)
        if (cache.get(key) or 0) >= NEED_RATE_LIMIT:
            return render(request, "projects/need_rate_limited.html", status=429)
        form = NeedForm(request.POST)
        if form.is_valid():
            if not _claim_need_slot(key):
                return render(request, "projects/need_rate_limited.html", status=429)
            need = form.save(commit=False)
            need.source = Need.Source.RESIDENT
            need.status = Need.Status.PENDING
            need.save()
            messages.success(request, _("Thank you! Your need has been received."))
            return redirect("projects:need-track", tracking_code=need.tracking_code)
        status = 400
    else:
        initial = {}
        if community := to_id(request.GET.get("community")):
            initial["community"] = community
        form = NeedForm(initial=initial)
        status = 200
    return render(request, "projects/need_form.html", {"form": form}, status=status)


@require_GET
def need_lookup(request):
    """查询我的需求: type the tracking code, land on the need's page."""
    form = NeedLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("projects:need-track", tracking_code=form.need.tracking_code)
    status = 400 if form.is_bound else 200
    return render(request, "projects/need_lookup.html", {"form": form}, status=status)


@require_GET
def need_track(request, tracking_code):
    need = get_object_or_404(
        Need.objects.select_related("community", "project"), tracking_code=tracking_code
    )
    project = need.project if need.project_id and need.project.is_public else None
    responded = need.matches.filter(status=Match.Status.ACCEPTED).exists()
    return render(
        request,
        "projects/need_track.html",
        {"need": need, "project": project, "responded": responded},
    )


@staff_required
@never_cache
@require_GET
@cache_signed_in_page
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
        pending_first=Case(
            When(status=Need.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    page = Paginator(
        needs.order_by("pending_first", "-submitted_at", "-pk"), NEED_INBOX_PAGE_SIZE
    ).get_page(request.GET.get("page"))
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
        },
    )


@staff_required
@require_POST
def project_transition(request, pk):
    project = _get_project_for_staff(pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
        return redirect("projects:project-edit", pk=project.pk)
    target = form.cleaned_data["status"]
    try:
        project.transition_to(target)
    except InvalidTransition:
        messages.error(
            request,
            _("A project that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": project.get_status_display(),
                "target": Project.Status(target).label,
            },
        )
    else:
        messages.success(
            request,
            _("The project is now “%(status)s”.") % {"status": project.get_status_display()},
        )
    return redirect("projects:project-edit", pk=project.pk)



# --- Joint meeting, adoption, renewals and the liaison portal -----------------------


def _get_meeting(pk):
    return get_object_or_404(JointMeeting, pk=pk)


@per_version
def _open_meeting():
    """The meeting whose adoption window is open now (the latest, if several are).

    Read once per data version: every adoption asks, and ``actions.adopt`` checks the
    window again in its transaction. In a surge each process reads it again after each of
    its own adoptions, so the query is compiled once."""
    sql, params = _open_meeting_query()
    return next(iter(JointMeeting.objects.raw(sql, params)), None)


@precompiled
def _open_meeting_query():
    return JointMeeting.objects.filter(adoption_open=True).order_by("-held_on", "-id")[:1]


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
    today = timezone.localdate()
    meetings = list(meetings)
    for meeting in meetings:
        meeting.past = meeting.is_past(today)
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


def _adopt_url(request, project):
    return request.build_absolute_uri(reverse("projects:project-adopt", args=[project.pk]))


@require_GET
def project_qr(request, pk):
    """An SVG QR code pointing at the project's adopt page (open projects only)."""
    project = _get_open_project(pk)
    image = qrcode.make(
        _adopt_url(request, project),
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
    )
    response = HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def progress_photo(request, pk):
    """A progress photo, only while its project may be seen by this visitor.

    A project moved back to draft, or a deleted update, takes its photos with it: no
    ``/media/`` URL outlives the visibility. Browsers may keep a photo for a minute only.
    """
    photo = _get_photo_for_user(request, pk)
    # Lists ask for the small copy; photos stored before thumbnails existed have none.
    stored = photo.thumbnail if request.GET.get("size") == "thumb" and photo.thumbnail else photo.image
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=60"
    patch_vary_headers(response, ["Cookie"])
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


#: How many still-open projects the loser of a race is offered.
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
        return 2 * (other.category == project.category) + (other.community_id == project.community_id)

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
            render_to_string("projects/_offer.html", {"other": o, "commitment": commitment}, request)
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


def _with_done_forms(milestones):
    """Give each open milestone its own empty "mark done" form, which its partial shows."""
    for milestone in milestones:
        if not milestone.is_done:
            milestone.done_form = MilestoneDoneForm(milestone=milestone)
    return milestones


@liaison_required
@cache_signed_in_page(per_unit=True)
def my_projects(request):
    today = timezone.localdate()
    projects = list(
        Project.objects.filter(adoptions__unit_id=request.user.unit_id)
        .select_related("community")
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
    # This year's projects open, earlier years folded (the newest year open if none is this year's).
    open_from = min(today.year, projects[0].year) if projects else today.year
    return render(
        request, "projects/my_projects.html", {"projects": projects, "this_year": open_from}
    )


@liaison_required
def my_project(request, pk):
    project = _get_project_for_liaison(request, pk)
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


# --- Two-way matching (双向认领) and the three lists -------------------------------------------

MY_NEEDS_PAGE_SIZE = 20


def _get_open_need_for_member(request, pk):
    """Office staff reach every open need; a liaison only those their unit may see."""
    needs = Need.objects.open().select_related("community__district", "project")
    if not is_office_staff(request.user):
        needs = needs.visible_to_unit(request.user.unit_id)
    return get_object_or_404(needs, pk=pk)


def _get_resource_for_member(request, pk):
    """Office staff reach every resource; a liaison only their own unit's."""
    resources = Resource.objects.select_related("unit").prefetch_related("districts", "communities")
    if not is_office_staff(request.user):
        resources = resources.filter(unit_id=request.user.unit_id)
    return get_object_or_404(resources, pk=pk)


def _get_match_for_staff(pk):
    return get_object_or_404(
        Match.objects.select_related("need__community", "resource__unit", "project"), pk=pk
    )


def _offerable_resources(request):
    """What the asker may offer: their unit's active resources, or (office) any active one."""
    resources = Resource.objects.filter(is_active=True, unit__is_active=True).select_related("unit")
    if not is_office_staff(request.user):
        resources = resources.filter(unit_id=request.user.unit_id)
    return resources.order_by("unit__name", "title", "id")


def _safe_next(request, default):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


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
    staff = is_office_staff(request.user)
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
    if not is_office_staff(request.user):
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
