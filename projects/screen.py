"""The big screen of the joint meeting: its totals and its HTML, from the cache.

A projector polls every 3 s. The totals are rebuilt once per ``SCREEN_TTL`` or after any
committed change: their key holds the data version kept in the database
(``core.pagecache.current_version``), which an adoption, the window opening or closing
and a meeting edit bump in their own transaction, so a Redis that lost a write or came
back with old data cannot show old totals. Each process keeps the HTML it rendered from
them under the same key, so a poll costs no round trip and no template rendering. With the
cache down the totals are simply built from the database. Off with ``SCREEN_CACHE``.
"""

import datetime
import time

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


#: This process's HTML of each screen: {key: (monotonic expiry, html)}; at most this many.
_html = {}
HTML_MEMO_SIZE = 64


def render_screen(template, meeting_pk):
    """The screen (or its polled fragment) as a response: from this process's copy while
    the data version holds, else rendered from the totals.

    Rendered without the request: no context processor looks at request.user, so a
    signed-in projector costs no session or user query either. The copy is keyed like the
    totals (council, meeting, data version) plus what the HTML depends on besides them, and
    lives no longer than they do (``SCREEN_TTL``).
    """
    # The script prefix too: the same council's links differ at /c/<slug>/ and at the root.
    key = f"{screen_cache_key(meeting_pk)}:{template}:{get_language()}:{get_script_prefix()}"
    now = time.monotonic()
    kept = _html.get(key) if settings.SCREEN_CACHE else None
    if kept is not None and kept[0] > now:
        return HttpResponse(kept[1])
    html = render_to_string(template, screen_context(screen_stats(meeting_pk)))
    if settings.SCREEN_CACHE:
        if len(_html) >= HTML_MEMO_SIZE:
            _html.clear()
        _html[key] = (now + SCREEN_TTL, html)
    return HttpResponse(html)
