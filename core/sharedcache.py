"""Signed-in pages from a shared cache, with each user's own header put back in.

A liaison's project board is the resident's board with another header; every office
staff member sees the same registry. What differs per person is the header navigation
(name, unread badge, the office's to-do badges, logout form) and the CSRF token. So the body is
rendered once per *audience* and cached, the header is cut out of it, and every request
renders only ``components/site_header.html`` (a few queries, a few hundred template nodes) and puts
it and its own CSRF token back in. The header itself is memoised per process by
everything it shows (language, path, name, role, unread and to-do counts).

Keys and parameters follow the public cache (``pagecache._key``): a page is stored only
when the view reported (``canonical_query``) the validated values it used and they are
what was asked, so the number of copies is bounded by the data.

The audience is the role (office staff, liaison) and, for pages about one unit
(``per_unit=True``: my pairings, my projects), the liaison's unit. Keys sit on the public
page cache's data version (``pagecache.current_version``, bumped after every committed
change to a registry or project model) and add today's date, for pages that colour
overdue items. Access checks stay in the view's decorators, which run before this one.

Bypassed: anything but GET/HEAD, pages with flash messages, answers other than a plain
200, and a page where the header could not be found exactly once or where the user's own
name still shows outside it (so a per-user detail can never reach someone else).
"""

import functools
import hashlib
import threading
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

from core import pagecache
from core.access import is_liaison, is_office_staff

NAV_TEMPLATE = "components/site_header.html"
NAV_PLACEHOLDER = "__user-nav-placeholder__"
KEPT_HEADERS = ("Cache-Control", "Content-Type")


def audience(user, per_unit=False):
    """Who else may get this user's copy of a page: None when nobody (not signed in)."""
    if not user.is_authenticated:
        return None
    parts = []
    if is_office_staff(user):
        parts.append("staff")
    if is_liaison(user):
        parts.append(f"unit-{user.unit_id}" if per_unit else "liaison")
    if user.is_superuser:
        parts.append("super")
    return "+".join(parts) or "member"


def _key(request, who):
    base = pagecache._key(request)
    day = timezone.localdate().isoformat()
    digest = hashlib.sha256(f"{who}\n{day}\n{base}".encode()).hexdigest()
    return f"signed-in-page:{digest}"


def _no_messages(request):
    return len(get_messages(request)) == 0


#: Rendered headers (without their CSRF token) by everything that shapes them: rendering
#: nav.html cost more than the rest of a cached page. Per process, bounded.
NAV_MEMO_SIZE = 2048
_nav_memo = OrderedDict()
_nav_lock = threading.Lock()


def _nav_state(request):
    """Everything the site header shows, as a key: any change renders it anew. The apps'
    own parts (unread badge, the office's to-do counts) come from ``SIGNED_IN_HEADER_STATE``,
    callables named in settings as context processors are, so core imports no app."""
    user = request.user
    return (
        getattr(request, "LANGUAGE_CODE", ""),
        request.path,
        user.pk,
        str(user),
        is_office_staff(user),
        is_liaison(user),
        user.is_superuser,
        *(state(request) for state in _header_state()),
    )


@functools.cache
def _header_state():
    return [import_string(path) for path in settings.SIGNED_IN_HEADER_STATE]


def _nav(request):
    """The user's header with a placeholder for the CSRF token."""
    state = _nav_state(request)
    with _nav_lock:
        nav = _nav_memo.get(state)
        if nav is not None:
            _nav_memo.move_to_end(state)
            return nav
    html = render_to_string(NAV_TEMPLATE, request=request)
    nav = _without_tokens(html, pagecache._TOKEN.findall(html))
    with _nav_lock:
        _nav_memo[state] = nav
        while len(_nav_memo) > NAV_MEMO_SIZE:
            _nav_memo.popitem(last=False)
    return nav


def _without_tokens(html, tokens):
    # Every get_token() masks the secret anew, so the header rendered here carries
    # another token than the page's copy of it: compare them without.
    for token in tokens:
        html = html.replace(token, pagecache.PLACEHOLDER)
    return html


def _shared_copy(request, response):
    """The page with the header and the CSRF token taken out, or None if not shareable."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    html = response.content.decode(response.charset)
    tokens = set(pagecache._TOKEN.findall(html))
    if "csrf" in html.lower() and not tokens:
        return None
    html = _without_tokens(html, tokens)
    nav = _nav(request)
    if html.count(nav) != 1:
        return None
    html = html.replace(nav, NAV_PLACEHOLDER)
    name = str(request.user)
    if len(name) >= 2 and name in html:
        return None  # the user's own name outside the header: never share it
    return html


def cache_signed_in_page(view=None, *, per_unit=False):
    """Serve signed-in users the page shared by their audience (see the module's docstring).

    Put it below the access-check decorators, so they run on every request.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            who = audience(request.user, per_unit)
            if (
                who is None
                or not getattr(settings, "PUBLIC_PAGE_CACHE", True)
                or request.method not in ("GET", "HEAD")
                or not _no_messages(request)
            ):
                return view(request, *args, **kwargs)
            key = _key(request, who)
            hit = cache.get(key)  # the cache fails soft (core.cache): down means a miss
            if hit is not None:
                html, headers, vary = hit
                html = html.replace(NAV_PLACEHOLDER, _nav(request), 1)
                response = HttpResponse(html.replace(pagecache.PLACEHOLDER, get_token(request)))
                for name, value in headers.items():
                    response[name] = value
                if vary:
                    patch_vary_headers(response, vary)
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            html = _shared_copy(request, response) if _no_messages(request) else None
            # The public cache's rule on parameters: stored only when the view used exactly
            # the validated values asked for, so junk parameters cannot multiply copies.
            asked = pagecache._asked_query(request)
            if html is not None and getattr(request, "_page_cache_query", "") == asked:
                headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
                vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
                # A set that failed answers False (core.cache).
                if cache.set(key, (html, headers, vary), pagecache._ttl()) is not False:
                    response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorate(view) if view is not None else decorate
