"""The office's to-dos, counted for the menu badges: needs to review, contributions to
confirm, pairings whose visit is overdue.

The counts change only with the data (and, for visits, with the date), so each process keeps
them per data version (``core.pagecache``, bumped after every committed change to a registry,
project or record model), council and day, instead of counting three tables on every office
page. Off with ``PUBLIC_PAGE_CACHE`` (tests that roll back never move the version). Counted,
they stay cheap: the pending needs and the recorded contributions from their status indexes,
each pairing's last visit as one entry of the (pairing, -visited_on) index.
"""

import threading

from django.conf import settings
from django.utils import timezone

from core import councils, pagecache
from core.access import works_here
from projects.models import Need
from units.models import Pairing

from .models import Contribution

_memo = {}  # {council id: ((version, day), counts)}
_lock = threading.Lock()


def _count(today):
    overdue = sum(
        1
        for pairing in Pairing.objects.current(today).with_last_visit().only(
            "started_on", "visit_cadence_days"
        )
        if pairing.next_due < today
    )
    return {
        "needs": Need.objects.filter(status=Need.Status.PENDING).count(),
        "contributions": Contribution.objects.filter(
            status=Contribution.Status.RECORDED
        ).count(),
        "pairings": overdue,
    }


def office_todos():
    """``{"needs": n, "contributions": n, "pairings": n}`` of the council the request is
    scoped to, as of the current data version."""
    today = timezone.localdate()
    if not getattr(settings, "PUBLIC_PAGE_CACHE", True):
        return _count(today)
    council, key = councils.current_id(), (pagecache.current_version(), today)
    with _lock:
        kept_key, counts = _memo.get(council, (None, None))
    if kept_key != key or counts is None:
        counts = _count(today)
        with _lock:
            _memo[council] = (key, counts)
    return counts


def office_todos_badge(request):
    """The to-do counts as part of the shared header's key (``SIGNED_IN_HEADER_STATE``);
    None for everyone but office staff."""
    if not works_here(request):
        return None
    return tuple(sorted(office_todos().items()))
