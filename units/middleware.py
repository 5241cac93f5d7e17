"""Which council a request is for (by address), and the scope every query of it runs in.

A deployment serves every council of a district. Each is reached at its own host name
(``Council.host``) or under the path prefix ``/c/<slug>/``; the deployment's first council
is also served at the site's root, so a single-council install keeps today's addresses.
"""

import functools
import re
import threading

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponsePermanentRedirect
from django.http.request import split_domain_port
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils.functional import SimpleLazyObject
from django_scopes import scope

from core import pagecache, siteurl
from core.access import district_staff_may

from .models import Council

PREFIX = re.compile(r"^/c/(?P<slug>[-\w]+)(?P<rest>/.*)?$", re.ASCII)


class _Addresses:
    """Every council by host and by slug, and the first, read once per data version in this
    process (a council's save bumps the ``public-pages`` version like any registry write)."""

    def __init__(self, councils):
        self.first = councils[0]
        active = [council for council in councils if council.is_active]
        self.by_host = {c.host.lower(): c for c in active if c.host}
        self.by_slug = {c.slug: c for c in active}


_memo = {}
_lock = threading.Lock()


def _load():
    councils = list(Council.objects.all())
    if not councils:
        Council.first_id()  # a database emptied since the migration: make the first again
        councils = list(Council.objects.all())
    return _Addresses(councils)


def addresses():
    if not settings.VERSION_MEMO:
        return _load()
    version = pagecache.current_version()
    with _lock:
        found = _memo.get(version)
    if found is None:
        found = _load()
        with _lock:
            _memo.clear()
            _memo[version] = found
    return found


class CouncilAddressMiddleware:
    """Set ``request.council``: the active council whose host name is the request's host
    (port ignored); else the active council named by a ``/c/<slug>/`` prefix, which is taken
    off ``path_info`` and becomes the script prefix (so ``reverse()`` and ``{% url %}`` keep
    it) until the response is made; else the first council, at the root as before councils.
    An unknown or inactive slug is a 404. The health check is left alone (it asks the
    database nothing but whether it answers). Put it before CommonMiddleware and CSRF."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    @functools.cache
    def _health_check_path():
        return reverse("healthz")

    def __call__(self, request):
        if request.path_info == self._health_check_path():
            # The load balancer's check answers about the database alone, even with none.
            request.council = SimpleLazyObject(lambda: addresses().first)
            return self.get_response(request)
        known = addresses()
        host, _port = split_domain_port(request.get_host())
        council = known.by_host.get(host)
        prefix = None
        if council is None:
            match = PREFIX.match(request.path_info)
            if match:
                council = known.by_slug.get(match["slug"])
                if council is None:  # the 404 page, after the session and user are known
                    request.urlconf = "units.unknown_council_urls"
                elif match["rest"] is None:  # /c/<slug> → /c/<slug>/
                    query = request.META.get("QUERY_STRING", "")
                    return HttpResponsePermanentRedirect(
                        request.path + "/" + (f"?{query}" if query else "")
                    )
                else:
                    prefix = f"c/{match['slug']}/"
                    request.path_info = match["rest"]
        request.council = council or known.first
        request.council_is_first = request.council.pk == known.first.pk
        request.site_root = get_script_prefix()  # where /c/<slug>/ addresses start
        if prefix is None:
            if council is None:
                return self.get_response(request)
            with siteurl.at_host(council.host):  # links in QR codes, feeds, emails
                return self.get_response(request)
        outer = get_script_prefix()
        set_script_prefix(outer + prefix)
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(outer)


# --- The scope ------------------------------------------------------------------------------


class CouncilScopeMiddleware:
    """Runs the rest of the request inside ``django_scopes.scope(council=<id>)``: every query
    of a council-owned model filters by the council the request addresses, and one that
    escapes the scope raises ``ScopeError`` instead of reading another council's rows.

    The council is ``request.council`` when an earlier middleware set it from the request's
    host or path prefix; otherwise the deployment's first council, which is then set as
    ``request.council`` for the views. It is read lazily: a page that queries no council
    data (the health check, static answers, the login page) costs no query for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        council = getattr(request, "council", None)
        if council is None:
            council = request.council = SimpleLazyObject(first_council)
            key = "root"
        else:
            key = str(council.pk)
        # ``council_key`` names the council in cache keys without reading it (core.pagecache).
        with scope(council=council, council_key=key):
            response = self.get_response(request)
        if response.streaming and not isinstance(response, FileResponse):
            # A streamed answer (an open-data CSV) is read after this returns.
            response.streaming_content = _scoped(response.streaming_content, council, key)
        return response

    def process_view(self, request, view, args, kwargs):
        if not district_staff_may(request):
            raise PermissionDenied


def _scoped(chunks, council, key):
    """Each chunk of a streamed answer produced inside the request's scope."""
    chunks = iter(chunks)
    while True:
        with scope(council=council, council_key=key):
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def first_council():
    """The council served at the site's root."""
    return Council.objects.first() or Council.objects.get(pk=Council.first_id())
