"""Loaders and helpers the projects views share: one access check per object kind."""

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
)
from django.shortcuts import get_object_or_404

from core.access import (
    works_here,
)

from ..models import (
    Adoption,
    Need,
    ProgressPhoto,
    Project,
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
    if not works_here(request):
        projects = projects.public()
    return get_object_or_404(projects, pk=pk)


def _get_project_for_staff(pk):
    """Office staff edit any project, drafts included."""
    return get_object_or_404(Project.objects.select_related("community"), pk=pk)


def _get_adoptable_project(pk):
    """Where a QR code leads: any project past its draft and not cancelled."""
    projects = Project.objects.select_related("community").exclude(
        status__in=[Project.Status.DRAFT, Project.Status.CANCELLED]
    )
    return get_object_or_404(projects, pk=pk)


def _get_open_project(pk):
    """Only an open project has a QR code."""
    return get_object_or_404(Project, pk=pk, status=Project.Status.OPEN)


def _get_photo_for_user(request, pk):
    """A progress photo of a project the user may see: public, or staff, or their unit's."""
    photos = ProgressPhoto.objects.select_related("update__project")
    if not works_here(request):
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
