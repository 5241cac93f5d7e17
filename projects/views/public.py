"""The front page, the public board, a project's page, its QR code and photos, and residents' needs."""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Q,
)
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import (
    client_ip,
    wants_partial,
    works_here,
)
from core.pagecache import canonical_query, shared_page
from core.params import to_id
from core.siteurl import absolute_url
from units.models import Community, MemberUnit, Pairing

from ..forms import (
    NeedForm,
    NeedLookupForm,
    ProjectFilterForm,
)
from ..models import (
    Adoption,
    Category,
    JointMeeting,
    Match,
    Need,
    Project,
)
from .common import (
    ARCHIVE_PAGE_SIZE,
    BOARD_PAGE_SIZE,
    BOARD_PARAMS,
    NEED_RATE_LIMIT,
    NEED_RATE_WINDOW,
    _adoptions_with_units,
    _board_canonical_query,
    _board_projects,
    _get_open_project,
    _get_photo_for_user,
    _get_project_for_user,
    _query_without_page,
)


@require_GET
@shared_page(params=BOARD_PARAMS, signed_in=True)
def project_list(request):
    include_drafts = works_here(request)
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
        {
            "value": value,
            "label": label,
            "count": counts.get(value, 0),
            "active": value == chosen_category,
        }
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
@shared_page(signed_in=True)
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
            "can_edit": works_here(request),
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
        request,
        "projects/project_archive.html",
        {"page": page, "query": _query_without_page(request)},
    )


def _need_rate_key(request):
    return f"need-rate:{client_ip(request) or 'unknown'}"


def _claim_need_slot(key):
    """Count one submission and say whether it is within the limit.

    The count goes up before the need is saved, in one atomic ``incr``: a burst of
    concurrent submissions gets exactly ``NEED_RATE_LIMIT`` through, never more.
    """
    for _attempt in range(2):  # again if the count expired between add and incr
        cache.add(key, 0, NEED_RATE_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:
            continue
        # None: the cache is down (it fails soft) and cannot count; as without one.
        return count is None or count <= NEED_RATE_LIMIT
    return True  # a cache that stores nothing (full) cannot count either


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
    else:
        initial = {}
        if community := to_id(request.GET.get("community")):
            initial["community"] = community
        if (category := request.GET.get("category")) in Category.values:
            initial["category"] = category  # from a resource card on the resource list
        form = NeedForm(initial=initial)
    # A form shown again with its errors is a page like any other: 200, as Django's own
    # form views answer (the request was understood; the input needs correcting).
    return render(request, "projects/need_form.html", {"form": form})


@require_GET
def need_lookup(request):
    """查询我的需求: type the tracking code, land on the need's page."""
    form = NeedLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("projects:need-track", tracking_code=form.need.tracking_code)
    return render(request, "projects/need_lookup.html", {"form": form})


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


def _adopt_url(project):
    return absolute_url(reverse("projects:project-adopt", args=[project.pk]))


@require_GET
def project_qr(request, pk):
    """An SVG QR code pointing at the project's adopt page (open projects only)."""
    project = _get_open_project(pk)
    image = qrcode.make(
        _adopt_url(project),
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
    stored = (
        photo.thumbnail if request.GET.get("size") == "thumb" and photo.thumbnail else photo.image
    )
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=60"
    patch_vary_headers(response, ["Cookie"])
    return response


@require_GET
@shared_page
def home(request):
    """The front door: the network in numbers, and where each kind of visitor goes next."""
    year = timezone.localdate().year
    projects = Project.objects.public().aggregate(
        this_year=Count("id", filter=Q(year=year)),
        adopted=Count("id", filter=Q(adopted_count__gt=0)),
        completed=Count("id", filter=Q(status=Project.Status.COMPLETED)),
    )
    context = {
        "units": MemberUnit.objects.members().count(),
        "communities": Community.objects.filter(is_active=True).count(),
        "pairings": Pairing.objects.filter(status=Pairing.Status.ACTIVE).count(),
        "projects": projects,
        "year": year,
        "live_meeting": JointMeeting.objects.filter(adoption_open=True)
        .order_by("-held_on")
        .first(),
    }
    return render(request, "home.html", context)
