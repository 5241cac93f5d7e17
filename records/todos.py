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
from django_scopes import get_scope

from core import pagecache
from core.access import is_office_staff
from projects.models import Need
from units.models import Pairing

from .models import Contribution

_memo = {}
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


def _council():
    """The council the request is scoped to (its id), without a query; None outside a scope."""
    council = get_scope().get("council")
    return getattr(council, "pk", council)


def office_todos():
    """``{"needs": n, "contributions": n, "pairings": n}`` of the council the request is
    scoped to, as of the current data version."""
    today = timezone.localdate()
    if not getattr(settings, "PUBLIC_PAGE_CACHE", True):
        return _count(today)
    version = pagecache.current_version()
    key = (version, _council(), today)
    with _lock:
        counts = _memo.get(key)
    if counts is None:
        counts = _count(today)
        with _lock:
            for old in [k for k in _memo if k[0] != version or k[2] != today]:
                del _memo[old]  # only the current version's, one entry per council
            _memo[key] = counts
    return counts


def office_todos_badge(request):
    """The to-do counts as part of the shared header's key (``SIGNED_IN_HEADER_STATE``);
    None for everyone but office staff."""
    if not is_office_staff(request.user):
        return None
    return tuple(sorted(office_todos().items()))
