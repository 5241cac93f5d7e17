"""What the unit's record and the council's annual report show, in a fixed number of queries.

The annual report is public and counts confirmed contributions only; the unit's record
(its own liaisons and the office) shows every row with its status.

Nothing here names a person: the public report shows units, communities and projects, and
counts; liaisons' names, phones and emails never appear.
"""

from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils.translation import pgettext_lazy

from projects.models import Adoption, Category, ProgressPhoto, Project
from units.models import District, Membership, Visit
from units.stats import membership_by_year

from . import charts
from .assessment import units_of_year
from .models import Contribution

TOP_PROJECTS = 6
PHOTOS_PER_PROJECT = 3
GROWTH_YEARS = 30
MONEY = DecimalField(max_digits=14, decimal_places=2)
#: The report is public: it counts only contributions the office confirmed.
CONFIRMED = Q(contributions__status=Contribution.Status.CONFIRMED)


def _photos_by_project(project_ids, per_project):
    photos = {}
    for photo in (
        ProgressPhoto.objects.filter(update__project_id__in=project_ids)
        .select_related("update")
        .order_by("-update__created_at", "id")
    ):
        bucket = photos.setdefault(photo.update.project_id, [])
        if len(bucket) < per_project:
            bucket.append(photo)
    return photos


#: How much of each long list the unit record shows at once (a page on the web, the latest
#: rows in the PDF): a busy year of 3,000 visits must not make a 30-second PDF.
ADOPTIONS_SHOWN = 60
VISITS_PER_PAGE = 30
CONTRIBUTIONS_PER_PAGE = 30
COMMUNITIES_SHOWN = 20


def unit_year(unit, year, visits_page=1, contributions_page=1):
    """One unit's year, in bounded work whatever its size: its projects with photos (the
    first ADOPTIONS_SHOWN), its visits summarised by community with one page of them, and
    one page of its contributions, newest first; ``totals`` count every contribution."""
    adoptions = Adoption.objects.filter(unit=unit, project__year=year)
    shown = list(
        adoptions.select_related("project__community").order_by("project__title", "id")[
            :ADOPTIONS_SHOWN
        ]
    )
    photos = _photos_by_project([a.project_id for a in shown], PHOTOS_PER_PROJECT)
    for adoption in shown:
        adoption.photos = photos.get(adoption.project_id, [])
    visits = Visit.objects.filter(pairing__unit=unit, visited_on__year=year)
    visit_summary = list(
        visits.order_by()
        .values("pairing__community__name")
        .annotate(n=Count("id"), households=Sum("households_visited"), last=Max("visited_on"))
        .order_by("-n", "pairing__community__name")[:COMMUNITIES_SHOWN]
    )
    contributions = (
        Contribution.objects.filter(unit=unit)
        .in_year(year)
        .select_related("project", "pairing__community")
        .order_by("-contributed_on", "-id")
    )
    return {
        "adoptions": shown,
        "adoptions_total": adoptions.count() if len(shown) == ADOPTIONS_SHOWN else len(shown),
        "visits": Paginator(
            visits.select_related("pairing__community").order_by("-visited_on", "-id"),
            VISITS_PER_PAGE,
        ).get_page(visits_page),
        "visit_summary": visit_summary,
        "contributions": Paginator(contributions, CONTRIBUTIONS_PER_PAGE).get_page(
            contributions_page
        ),
        "totals": Contribution.objects.filter(unit=unit).in_year(year).totals(),
    }


def annual_report(year):
    """The network's year: adoptions, completions, visits, contributions, growth, top projects."""
    adoptions = Adoption.objects.filter(project__year=year).exclude(
        project__status=Project.Status.DRAFT
    )
    kinds = dict(
        adoptions.order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    by_category = dict(
        adoptions.order_by().values_list("project__category").annotate(n=Count("id"))
    )
    by_district = dict(
        adoptions.order_by()
        .values_list("project__community__district_id")
        .annotate(n=Count("id"))
    )
    districts = list(District.objects.order_by("position", "name"))

    projects = Project.objects.public().filter(year=year)
    project_counts = projects.order_by().aggregate(
        total=Count("id"),
        completed=Count("id", filter=Q(status=Project.Status.COMPLETED)),
    )

    visits = Visit.objects.filter(visited_on__year=year)
    by_month = dict(
        visits.order_by()
        .annotate(month=ExtractMonth("visited_on"))
        .values_list("month")
        .annotate(n=Count("id"))
    )

    growth_rows = (
        Membership.objects.annotate(left_year=ExtractYear("left_on"))
        .values_list("joined_year", "left_year")
        .annotate(n=Count("id"))
        .order_by()
    )
    growth = [(y, total) for y, total, _ in membership_by_year(growth_rows, year)][-GROWTH_YEARS:]

    top = list(
        projects.select_related("community")
        .annotate(
            value=Coalesce(
                Sum("contributions__amount", filter=CONFIRMED), Value(0), output_field=MONEY
            ),
            contribution_count=Count("contributions", filter=CONFIRMED),
        )
        .order_by("-value", "-contribution_count", "status", "title")[:TOP_PROJECTS]
    )
    photos = _photos_by_project([p.pk for p in top], 1)
    for project in top:
        project.photo = (photos.get(project.pk) or [None])[0]

    return {
        "year": year,
        "units": units_of_year(year).count(),
        "projects": project_counts["total"],
        "completed": project_counts["completed"],
        "adoptions": sum(kinds.values()),
        # Units that adopted at least once: the headline must not read as if all did.
        "adopters": adoptions.order_by().values("unit").distinct().count(),
        "adoptions_new": kinds.get(Adoption.Kind.NEW, 0),
        "adoptions_renewal": kinds.get(Adoption.Kind.RENEWAL, 0),
        "visits": sum(by_month.values()),
        "totals": Contribution.objects.confirmed().in_year(year).totals(),
        "category_chart": charts.bars(
            [(label, by_category.get(value, 0)) for value, label in Category.choices]
        ),
        "district_chart": charts.bars([(d.name, by_district.get(d.pk, 0)) for d in districts]),
        "month_chart": charts.columns(
            [(m, by_month.get(m, 0)) for m in range(1, 13)],
            x_title=pgettext_lazy("chart axis", "month"),
            y_title=pgettext_lazy("chart axis", "visits"),
        ),
        "growth_chart": charts.columns(
            growth,
            every=5,
            x_title=pgettext_lazy("chart axis", "year"),
            y_title=pgettext_lazy("chart axis", "member units"),
        ),
        "top_projects": top,
    }
