"""The open datasets: what anyone may download, with no personal data in any of them.

Column names are stable English identifiers (the data dictionary on /data/ gives each its
Chinese label). Nothing here reads a liaison's name, phone or email, a resident's contact,
a visit's visitors or an adoption's commitment text: the querysets select only the fields
listed below.
"""

from collections import defaultdict
from itertools import islice

from django.db.models import Max, Prefetch
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.categories import Category
from projects.models import Adoption, Need, Project
from units import stats
from units.models import Community, District, MemberUnit, Pairing

#: (column, Chinese label, meaning) — the data dictionary of projects.csv / projects.json.
PROJECT_COLUMNS = [
    ("id", _("ID"), _("The project's number on the board; stable.")),
    ("title", _("title"), _("The project's title.")),
    ("category", _("category code"), _("care_aid, convenience, culture, service_support, construction or beautiful_home.")),
    ("category_label", _("category"), _("The category's Chinese name.")),
    ("community", _("community"), _("The village or residential area it serves.")),
    ("district", _("district"), _("The district of that community.")),
    ("year", _("year"), _("The year of the joint meeting it belongs to.")),
    ("status", _("status code"), _("open, adopted, in_progress, completed or cancelled.")),
    ("status_label", _("status"), _("The status's Chinese name.")),
    ("adopting_units", _("adopting units"), _("The member units that adopted it, separated by “；”.")),
    ("milestones_total", _("milestones"), _("How many dated steps it has.")),
    ("milestones_done", _("milestones done"), _("How many of them are done.")),
    ("needs_answered", _("needs answered"), _("The residents' needs it answers, as text only, separated by “；”.")),
]  # fmt: skip

STRUCTURE_FIELDS = [
    ("districts", _("The five districts (name, kind) with their communities (name, kind).")),
    ("units", _("Member units: name, category, level (organs only), join year, active.")),
    ("pairings", _("Active pairings: community, member unit or partner community, mode, programme, since.")),
]  # fmt: skip


def _zh(label):
    with translation.override("zh-hans"):
        return str(label)


#: The columns read for each project, in the order ``iter_project_rows`` unpacks them.
PROJECT_VALUES = (
    "id", "title", "category", "community__name", "community__district__name",
    "year", "status", "milestones_total", "milestones_done",
)  # fmt: skip
#: Projects read per batch for the open data: their units and needs come one query a batch.
PROJECT_BATCH = 2000


def _zh_labels(choices):
    """{value: Chinese label}, with one switch of language for all of them."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices}


def _batches(rows, size):
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def iter_project_rows(batch=PROJECT_BATCH):
    """One dict per public project, in the order of PROJECT_COLUMNS, as they are read.

    Plain values, never model objects, and the labels translated once: the open data of a
    city's projects streams in flat memory, three queries per ``batch`` projects."""
    categories = _zh_labels(Category.choices)
    statuses = _zh_labels(Project.Status.choices)
    projects = (
        Project.objects.public()
        .with_milestone_counts()
        .order_by("-year", "id")
        .values_list(*PROJECT_VALUES)
    )
    for chunk in _batches(projects.iterator(chunk_size=batch), batch):
        ids = [row[0] for row in chunk]
        units = defaultdict(list)
        for project_id, name in (
            Adoption.objects.filter(project_id__in=ids)
            .order_by("recorded_at", "id")
            .values_list("project_id", "unit__name")
        ):
            units[project_id].append(name)
        needs = defaultdict(list)
        for project_id, text in (
            Need.objects.filter(project_id__in=ids, status=Need.Status.ACCEPTED)
            .order_by("submitted_at", "id")
            .values_list("project_id", "text")
        ):
            needs[project_id].append(text)
        for pk, title, category, community, district, year, status, total, done in chunk:
            yield {
                "id": pk,
                "title": title,
                "category": category,
                "category_label": categories.get(category, category),
                "community": community,
                "district": district,
                "year": year,
                "status": status,
                "status_label": statuses.get(status, status),
                "adopting_units": "；".join(units[pk]),
                "milestones_total": total,
                "milestones_done": done,
                "needs_answered": "；".join(needs[pk]),
            }


def project_rows():
    """One dict per public project, in the order of PROJECT_COLUMNS, as a list."""
    return list(iter_project_rows())


def structure():
    """The 1+5+N network as data: districts, communities, units, pairings."""
    communities = Community.objects.filter(is_active=True).only("name", "kind", "district_id")
    districts = District.objects.prefetch_related(
        Prefetch("communities", queryset=communities.order_by("name"))
    ).order_by("position", "name")
    units = (
        MemberUnit.objects.members()
        .only("name", "category", "level", "joined_year", "is_active")
        .order_by("name")
    )
    pairings = (
        Pairing.objects.filter(status=Pairing.Status.ACTIVE)
        .select_related("community", "unit", "partner_community")
        .only(
            "mode", "programme", "started_on", "community__name", "unit__name",
            "partner_community__name",
        )  # fmt: skip
        .order_by("community__name", "id")
    )
    return {
        "districts": [
            {
                "name": d.name,
                "kind": d.kind,
                "communities": [{"name": c.name, "kind": c.kind} for c in d.communities.all()],
            }
            for d in districts
        ],
        "units": [
            {
                "name": u.name,
                "category": u.category,
                "category_label": _zh(u.get_category_display()),
                "level": u.level or None,
                "joined_year": u.joined_year,
            }
            for u in units
        ],
        "pairings": [
            {
                "community": p.community.name,
                "unit": p.unit.name if p.unit_id else None,
                "partner_community": p.partner_community.name if p.partner_community_id else None,
                "mode": p.mode,
                "mode_label": _zh(p.get_mode_display()),
                "programme": p.programme or None,
                "since": p.started_on.isoformat(),
            }
            for p in pairings
        ],
    }


def statistics():
    """The numbers of the public statistics page, without the chart's geometry."""
    figures = stats.registry_statistics()
    return {
        "year": figures["this_year"],
        "active_units": figures["total_active"],
        "founding_members": figures["founding_members"],
        "organs": figures["organs"],
        "other_units": figures["others"],
        "units_by_category": {code: n for code, _label, n in figures["categories"]},
        "organs_by_level": dict(
            zip([c for c, _ in MemberUnit.Level.choices], [n for _, n in figures["levels"]])
        ),
        "active_communities": figures["communities"],
        "active_pairings": figures["pairings"],
        "pairings_by_mode": dict(
            zip([c for c, _ in Pairing.Mode.choices], [n for _, n in figures["modes"]])
        ),
        "pairings_by_programme": dict(
            zip([c for c, _ in Pairing.Programme.choices], [n for _, n in figures["programmes"]])
        ),
        "visits_this_year": figures["visits_this_year"],
        "members_by_year": [
            {"year": year, "members": total, "joined": joined}
            for year, total, joined in figures["growth"]
        ],
    }


def last_updated():
    """When the registry or the projects last changed (what the files are as of)."""
    times = [
        Project.objects.aggregate(t=Max("updated_at"))["t"],
        MemberUnit.objects.aggregate(t=Max("updated_at"))["t"],
        Pairing.objects.aggregate(t=Max("created_at"))["t"],
    ]
    times = [t for t in times if t is not None]
    return max(times) if times else None
