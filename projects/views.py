from django.shortcuts import get_object_or_404, redirect, render  # noqa: F401

# --- Public board, needs, staff triage and project editing -------------------------
# Imports for this section live here so the two halves of the module merge cleanly.
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Prefetch, Value, When
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhujing.accounts.access import is_office_staff, staff_required

from .forms import (
    DeclineForm,
    LinkNeedForm,
    MilestoneFormSet,
    NeedFilterForm,
    NeedForm,
    ProjectFilterForm,
    ProjectForm,
    TransitionForm,
)
from .models import Adoption, Category, InvalidTransition, Need, Project

BOARD_PAGE_SIZE = 20
ARCHIVE_PAGE_SIZE = 50
NEED_INBOX_PAGE_SIZE = 30
#: Residents may raise this many needs per client IP address per hour.
NEED_RATE_LIMIT = 5
NEED_RATE_WINDOW = 60 * 60


def _wants_partial(request):
    """An htmx swap asks for the partial; a boost or a history restore needs the page."""
    return bool(request.htmx) and not request.htmx.boosted and not (
        request.htmx.history_restore_request
    )


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


def _get_need_for_staff(pk):
    return get_object_or_404(Need.objects.select_related("community", "project"), pk=pk)


@require_GET
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
    chosen_category = form.cleaned_data.get("category") if form.is_valid() else ""
    category_counts = [
        {"value": value, "label": label, "count": counts.get(value, 0), "active": value == chosen_category}
        for value, label in Category.choices
    ]

    projects = form.filter(_board_projects() if include_drafts else _board_projects().public())
    page = Paginator(projects.order_by("-year", "title", "pk"), BOARD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    query_without_category = query.copy()
    query_without_category.pop("category", None)

    template_name = "projects/project_list.html"
    if _wants_partial(request):
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
    return render(request, "projects/project_archive.html", {"page": page})


def _client_ip(request):
    """The client's address. Behind ``NUM_PROXIES`` trusted reverse proxies, the address the
    nearest of them saw (X-Forwarded-For can be forged, so only trusted hops are used)."""
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _need_rate_key(request):
    return f"need-rate:{_client_ip(request)}"


@require_http_methods(["GET", "POST"])
def need_create(request):
    if request.method == "POST":
        key = _need_rate_key(request)
        if (cache.get(key) or 0) >= NEED_RATE_LIMIT:
            return render(request, "projects/need_rate_limited.html", status=429)
        form = NeedForm(request.POST)
        if form.is_valid():
            need = form.save(commit=False)
            need.source = Need.Source.RESIDENT
            need.status = Need.Status.PENDING
            need.save()
            cache.add(key, 0, NEED_RATE_WINDOW)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, NEED_RATE_WINDOW)
            messages.success(request, _("Thank you! Your need has been received."))
            return redirect("projects:need-track", tracking_code=need.tracking_code)
        status = 400
    else:
        initial = {}
        if request.GET.get("community", "").isdigit():
            initial["community"] = request.GET["community"]
        form = NeedForm(initial=initial)
        status = 200
    return render(request, "projects/need_form.html", {"form": form}, status=status)


@require_GET
def need_track(request, tracking_code):
    need = get_object_or_404(
        Need.objects.select_related("community", "project"), tracking_code=tracking_code
    )
    project = need.project if need.project_id and need.project.is_public else None
    return render(request, "projects/need_track.html", {"need": need, "project": project})


@staff_required
@require_GET
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
    query = request.GET.copy()
    query.pop("page", None)
    template_name = "projects/need_inbox.html"
    if _wants_partial(request):
        template_name += "#results"
    response = render(
        request,
        template_name,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
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
    needs = list(
        Need.objects.filter(
            pk__in=[v for v in request.GET.getlist("need") if v.isdigit()],
            status=Need.Status.PENDING,
        ).select_related("community")
    )
    if request.method == "POST":
        form = ProjectForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                project = form.save(commit=False)
                project.created_by = request.user
                project.status = Project.Status.DRAFT
                project.save()
                for need in form.cleaned_data["needs"]:
                    need.accept(project, by=request.user)
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
    project = get_object_or_404(Project.objects.select_related("community"), pk=pk)
    form = ProjectForm(request.POST or None, instance=project)
    formset = _milestone_formset(request, project)
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            with transaction.atomic():
                form.save()
                formset.save()
                for need in form.cleaned_data["needs"]:
                    need.accept(project, by=request.user)
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
    project = get_object_or_404(Project, pk=pk)
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
