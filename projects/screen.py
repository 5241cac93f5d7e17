"""The big screen of the joint meeting: its totals and its HTML, from the cache.

A projector polls every 3 s. The totals are rebuilt once per ``SCREEN_TTL`` or after any
committed change: their key holds the data version kept in the database
(``core.pagecache.current_version``), which an adoption, the window opening or closing
and a meeting edit bump in their own transaction, so a Redis that lost a write or came
back with old data cannot show old totals. The rendered HTML is cached beside them under
the same version, so a poll costs one cache read and no template rendering. With the cache
down both are simply built from the database. Off with ``SCREEN_CACHE``.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language

from core import councils
from core.pagecache import current_version
from units.models import District

from .models import Adoption, Category, JointMeeting, Project

SCREEN_TTL = 10  # seconds; any committed change moves the key at once
RECENT_ON_SCREEN = 6  # two lines each still fit a 4:3 projector


def screen_cache_key(meeting_id):
    return f"meeting-screen:{councils.current_id()}:{meeting_id}:{current_version()}"


def screen_stats(meeting_pk):
    """Totals for the projector, from the cache; one rebuild per TTL or adoption."""
    key = screen_cache_key(meeting_pk)
    stats = cache.get(key) if settings.SCREEN_CACHE else None
    if stats is not None:
        return stats
    meeting = get_object_or_404(JointMeeting.objects.select_related("council"), pk=meeting_pk)
    adoptions = Adoption.objects.filter(meeting=meeting)
    per_category = dict(
        adoptions.values_list("project__category").annotate(n=Count("id")).order_by()
    )
    per_district = dict(
        adoptions.values_list("project__community__district_id").annotate(n=Count("id")).order_by()
    )
    districts = District.objects.order_by("position", "name").values_list("pk", "name")
    # What the QR sheet prints: open projects with a seat left.
    remaining = Project.objects.with_free_seat().count()
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
        "council": meeting.council.name,
        "held_on": meeting.held_on.isoformat(),
        "adoption_open": meeting.adoption_open,
        "units": adoptions.values("unit").distinct().count(),
        "projects": adoptions.values("project").distinct().count(),
        "adoptions": adoptions.count(),
        "by_category": [(value, per_category.get(value, 0)) for value in Category.values],
        "by_district": [(name, per_district.get(pk, 0)) for pk, name in districts],
        "remaining": remaining,
        "recent": recent,
        "at": timezone.now().isoformat(),
    }
    cache.set(key, stats, SCREEN_TTL)
    return stats


def screen_context(stats):
    labels = dict(Category.choices)
    top = max([n for _v, n in stats["by_category"]] + [1])
    return {
        "stats": stats,
        "council": {"name": stats["council"]},
        "held_on": datetime.date.fromisoformat(stats["held_on"]),
        "categories": [
            {"value": v, "label": labels[v], "count": n, "max": top}
            for v, n in stats["by_category"]
        ],
        "districts": [
            {"label": name, "count": n, "max": max([m for _d, m in stats["by_district"]] + [1])}
            for name, n in stats["by_district"]
        ],
    }


def render_screen(template, meeting_pk):
    """The screen (or its polled fragment) as a response: one cache read while warm.

    Rendered without the request: no context processor looks at request.user, so a
    signed-in projector costs no session or user query either. The HTML sits under the
    totals' key, so it moves with every committed change and lives no longer than they do.
    """
    # The script prefix too: the same council's links differ at /c/<slug>/ and at the root.
    key = f"{screen_cache_key(meeting_pk)}:html:{template}:{get_language()}:{get_script_prefix()}"
    html = cache.get(key) if settings.SCREEN_CACHE else None
    if html is None:
        html = render_to_string(template, screen_context(screen_stats(meeting_pk)))
        cache.set(key, html, SCREEN_TTL)
    return HttpResponse(html)
