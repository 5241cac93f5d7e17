"""三张清单: per district, the needs list, the resource list and the project list side by
side, with the matches still open. Seven queries whatever the size of the lists."""

from collections import Counter, defaultdict

from django.db.models import Count

from core.categories import Category
from units.models import District, Resource

from .models import Match, Need, Project


def _resources_by_district(on, district_ids):
    """{district_id: Counter(kind)} of the resources available on ``on`` that serve it;
    whole-town resources count in every district."""
    available = Resource.objects.available(on)
    kinds = dict(available.values_list("pk", "kind"))
    served = defaultdict(set)
    for resource_id, district_id in Resource.districts.through.objects.filter(
        resource__in=available
    ).values_list("resource_id", "district_id"):
        served[district_id].add(resource_id)
    placed = {rid for ids in served.values() for rid in ids}
    for resource_id, district_id in Resource.communities.through.objects.filter(
        resource__in=available
    ).values_list("resource_id", "community__district_id"):
        served[district_id].add(resource_id)
        placed.add(resource_id)
    town_wide = set(kinds) - placed
    return {d: Counter(kinds[rid] for rid in served[d] | town_wide) for d in district_ids}, len(
        kinds
    )


def three_lists(on):
    districts = list(District.objects.all())
    ids = [d.pk for d in districts]

    needs = defaultdict(Counter)
    for district_id, category, n in (
        Need.objects.open()
        .order_by()
        .values_list("community__district", "category")
        .annotate(n=Count("pk"))
    ):
        needs[district_id][category] += n

    resources, resources_total = _resources_by_district(on, ids)

    projects = defaultdict(Counter)
    for district_id, status, n in (
        Project.objects.filter(year=on.year)
        .exclude(status=Project.Status.CANCELLED)
        .order_by()
        .values_list("community__district", "status")
        .annotate(n=Count("pk"))
    ):
        projects[district_id][status] += n

    # Only what the office still has to do: a proposal to decide, or an accepted match to
    # open a project from, for a need still open (not declined, not in a running project).
    matches = defaultdict(list)
    for match in (
        Match.objects.open()
        .filter(need__in=Need.objects.open())
        .select_related("need__community", "resource__unit")
        .order_by("created_at", "pk")
    ):
        matches[match.need.community.district_id].append(match)

    category_labels = dict(Category.choices)
    kind_labels = dict(Resource.Kind.choices)
    status_labels = dict(Project.Status.choices)
    rows = []
    for district in districts:
        n, r, p = needs[district.pk], resources[district.pk], projects[district.pk]
        rows.append(
            {
                "district": district,
                "needs": sum(n.values()),
                "needs_by": [(category_labels[c], n[c]) for c in Category.values if n[c]],
                "resources": sum(r.values()),
                "resources_by": [(kind_labels[k], r[k]) for k in Resource.Kind.values if r[k]],
                "projects": sum(p.values()),
                "projects_by": [(status_labels[s], p[s]) for s in Project.Status.values if p[s]],
                "matches": matches[district.pk],
            }
        )
    return {
        "rows": rows,
        "year": on.year,
        "today": on,
        "totals": {
            "needs": sum(sum(c.values()) for c in needs.values()),
            "resources": resources_total,
            "projects": sum(sum(c.values()) for c in projects.values()),
            "matches": sum(len(m) for m in matches.values()),
        },
    }
