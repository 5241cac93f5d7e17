"""Loaders and helpers the projects views share: one access check per object kind."""

from functools import lru_cache

from django.db import connection
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
)
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import (
    is_office_staff,
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
