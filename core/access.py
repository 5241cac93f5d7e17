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


def _require(test):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_office_staff(user):
    """Office staff (党建办): a signed-in, active account with ``is_staff``."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


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


#: Office staff (党建办) only.
staff_required = _require(is_office_staff)
#: A liaison of a member unit only.
liaison_required = _require(is_liaison)
#: District staff only (the roll-up).
district_staff_required = _require(is_district_staff)
#: A liaison or office staff.
member_required = _require(lambda u: is_office_staff(u) or is_liaison(u))
