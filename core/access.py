"""Who may do what, and who is asking. Every view goes through one of these; nothing is
checked in templates only.

Each rule has one definition here: "is office staff", "is liaison", the client's address
and "answer with the partial?". Views, the context processor, the actions and django-axes
import them; none re-derives them.
"""

import ipaddress
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django_scopes import scopes_disabled


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _require(test):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied
            if is_office_staff(request.user) and not staff_may(request):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_office_staff(user):
    """Office staff (党建办): a signed-in, active account with ``is_staff``."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def staff_may(request):
    """May this office staff member do what the request asks, on the council it addresses
    (``request.council``, set by the council middleware)? Staff of a council work on their
    own council's pages only; district staff read any council's and write nowhere."""
    user = request.user
    if user.council_id is None:
        return request.method in SAFE_METHODS
    council = getattr(request, "council", None)
    return council is None or council.pk == user.council_id


#: What district staff may still change: their own session, language, inbox, reminder
#: preferences and password (by URL name).
OWN_ACCOUNT_ROUTES = frozenset({
    "accounts:login", "accounts:logout", "accounts:password-change", "set_language",
    "care-mode", "reminders:mark-all-read", "reminders:mark-read", "reminders:preferences",
    "reminders:sms-opt-out",
})  # fmt: skip


def district_staff_may(request):
    """District staff change nothing in any council, on any route, public forms included:
    an unsafe request is refused unless it is about their own account."""
    if request.method in SAFE_METHODS or not is_district_staff(request.user):
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in OWN_ACCOUNT_ROUTES


def works_here(request):
    """Office staff acting for the council this request addresses: its own staff, or
    district staff reading. Staff of another council are treated as any visitor."""
    return is_office_staff(request.user) and staff_may(request)


def is_liaison(user):
    """A liaison (联络员): a signed-in, active account linked to a member unit."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and getattr(user, "unit_id", None) is not None
    )


def is_district_staff(user):
    """District staff (区委组织部): office staff who work for no one council, so for the
    district: the roll-up of every council and read-only views of each."""
    return is_office_staff(user) and getattr(user, "council_id", None) is None


def client_ip(request):
    """The client's address (the need form's rate limit; django-axes' login throttling).

    Behind ``NUM_PROXIES`` reverse proxies (the TLS proxy in front of gunicorn),
    REMOTE_ADDR is the proxy's, so the address comes from X-Forwarded-For: the entry the
    nearest trusted proxy appended. Entries further left were written by the client and
    are never trusted. With no proxy configured, REMOTE_ADDR is used as is (None if unset).

    The trusted entry must be an IP address: when gunicorn is reached directly, the header
    is the client's own text (``not-an-ip`` made django-axes answer 500 on a failed login),
    and then the connection's own address is the one to use.
    """
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies and _is_ip(forwarded[-proxies]):
            return forwarded[-proxies]
    remote = request.META.get("REMOTE_ADDR") or None
    return remote if remote is None or _is_ip(remote) else None


def _is_ip(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def wants_partial(request):
    """An htmx swap asks for the partial; a boost or a history restore needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def across_councils_for_liaison(view):
    """A liaison's own unit pages (its pairings, visits, adopted projects, contributions)
    show every council the unit takes part in: a district organ paired in three towns sees
    its pairings of all three on its own pages. For a liaison the view runs outside the
    council scope, deliberately; each such view reads only rows of ``request.user.unit_id``
    and new rows take their council from their pairing or project. Staff stay in scope."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if is_liaison(request.user) and not is_office_staff(request.user):
            with scopes_disabled():
                return view(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


#: Office staff (党建办) only.
staff_required = _require(is_office_staff)
#: A liaison of a member unit only.
liaison_required = _require(is_liaison)
#: District staff only (the roll-up).
district_staff_required = _require(is_district_staff)
#: A liaison or office staff.
member_required = _require(lambda u: is_office_staff(u) or is_liaison(u))
