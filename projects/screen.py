"""The big screen of the joint meeting: its totals and its HTML, from the cache.

A projector polls every 3 s. The totals are rebuilt once per ``SCREEN_TTL`` or after any
committed change: their key holds the data version kept in the database
(``zhujing.pagecache.current_version``), which an adoption, the window opening or closing
and a meeting edit bump in their own transaction, so a Redis that lost a write or came
back with old data cannot show old totals. The rendered HTML is cached beside them, keyed
by the totals' build time, so a poll that finds both costs two cache reads and no template
rendering. With the cache down both are simply built from the database.
"""

import datetime

from django.core.cache import cache
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from zhujing.pagecache import current_version

from .models import Adoption, Category, JointMeeting

SCREEN_TTL = 10  # seconds; any committed change moves the key at once
RECENT_ON_SCREEN = 8


def screen_cache_key(meeting_id):
    return f"meeting-screen:{meeting_id}:{current_version()}"


def screen_stats(meeting_pk):
    """Totals for the projector, from the cache; one rebuild per TTL or adoption."""
    key = screen_cache_key(meeting_pk)
    stats = cache.get(key)
    if stats is not None:
        return stats
    meeting = get_object_or_404(JointMeeting, pk=meeting_pk)
    adoptions = Adoption.objects.filter(meeting=meeting)
    per_category = dict(
        adoptions.values_list("project__category").annotate(n=Count("id")).order_by()
    )
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
        "held_on": meeting.held_on.isoformat(),
        "adoption_open": meeting.adoption_open,
        "units": adoptions.values("unit").distinct().count(),
        "projects": adoptions.values("project").distinct().count(),
        "adoptions": adoptions.count(),
        "by_category": [(value, per_category.get(value, 0)) for value in Category.values],
        "recent": recent,
        "at": timezone.now().isoformat(),
    }
    cache.set(key, stats, SCREEN_TTL)
    return stats


def _screen_context(stats):
    labels = dict(Category.choices)
    top = max([n for _v, n in stats["by_category"]] + [1])
    return {
        "stats": stats,
        "held_on": datetime.date.fromisoformat(stats["held_on"]),
        "categories": [
            {"value": v, "label": labels[v], "count": n, "max": top}
            for v, n in stats["by_category"]
        ],
    }


def render_screen(template, meeting_pk):
    """The screen (or its polled fragment) as a response.

    Rendered without the request: no context processor looks at request.user, so a
    signed-in projector costs no session or user query either.
    """
    stats = screen_stats(meeting_pk)
    key = f"{screen_cache_key(meeting_pk)}:html:{stats['at']}:{template}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, _screen_context(stats))
        cache.set(key, html, SCREEN_TTL)
    return HttpResponse(html)
