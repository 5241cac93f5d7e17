"""Whole-page cache for what anonymous visitors see of the public pages.

Residents open the project board and project pages from a QR code or a WeChat link, all
at once when the joint meeting is shown; those pages are the same for every anonymous
visitor except for the CSRF token (the language switch and htmx need it). So the page is
cached with a placeholder where the token was, and each visitor gets their own token put
back in. Signed-in users, pages with flash messages and anything but a plain 200 answer
bypass the cache.

Freshness: every save or delete of a registry, project or record model (``units``,
``projects``, ``records``) bumps a version counter in the database (``core.freshness``)
as soon as the write commits, and the version is part of every key. Each process rereads it at
most once a second (``VERSION_MEMO_SECONDS``), and the writing process at once after its
commit, so a new adoption shows within a second. Redis down, restarted with its old data or
flushed: the cache can only miss, never serve a page older than the last committed write.
Writes that send no signal (``QuerySet.update``) call ``bump_version()`` themselves;
``PUBLIC_PAGE_TTL`` bounds any that don't.

Bounded keys: a key is built from the path, the language, whether htmx asked for a partial,
and the query parameters the view declared (``params``), never from raw headers. Other
parameters are redirected away (a WeChat share adds ``?from=...``); a page is stored only
when the view reported (``canonical_query``) that it used exactly the values asked for, so
junk values (``?year=abc``, ``?district=007``, a page past the end, any search text) are
answered fresh and never stored: the number of cached variants is bounded by the data.
"""

import hashlib
import logging
import re
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from simple_history.models import HistoricalChanges

from core.access import wants_partial
from core.freshness.models import MemoisedVersion

logger = logging.getLogger(__name__)

VERSION_NAME = "public-pages"
PLACEHOLDER = "__csrf-token-placeholder__"
WATCHED_APPS = {"units", "projects", "records"}
_TOKEN = re.compile(
    r'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{32,64})"'
)


def _ttl():
    return getattr(settings, "PUBLIC_PAGE_TTL", 300)


#: This process's copy of the version, for VERSION_MEMO_SECONDS: one query per second, not
#: one per page. Other processes see a change at most that much later.
VERSION_MEMO_SECONDS = 1.0
_version = MemoisedVersion(VERSION_NAME, VERSION_MEMO_SECONDS)


def current_version():
    return _version.current()


def _forget_version():
    _version.forget()


def bump_version():
    """Mark the public pages stale once the write commits: one short UPDATE of its own.

    Not inside the writing transaction: there the counter's row lock would be held until
    that transaction ends, and every write in the network (143 adoptions at once) would
    queue behind it. A reader between the commit and the bump caches the new data under the
    old version, which is harmless: it is no older than the write.
    """
    _version.bump_after_commit()


def bump_version_now():
    """Bump at once, in whatever transaction is open (tests that roll back, maintenance)."""
    _version.bump_now()


_MISSING = object()


def per_version(fn):
    """Memoise a read that takes no arguments, per data version, in this process.

    Recomputed after any committed change to a watched model (seen here within
    ``VERSION_MEMO_SECONDS``); only the current version's value is kept. For reads every
    request of a kind makes and none changes (the open meeting, the open projects offered
    to the loser of a race). Off with ``PUBLIC_PAGE_CACHE``: tests that roll back never
    move the version.
    """
    memo = {}

    @wraps(fn)
    def wrapped():
        if not getattr(settings, "PUBLIC_PAGE_CACHE", True):
            return fn()
        version = current_version()
        value = memo.get(version, _MISSING)
        if value is _MISSING:
            value = fn()
            memo.clear()
            memo[version] = value
        return value

    return wrapped


def _on_change(sender, **kwargs):
    if sender._meta.app_label in WATCHED_APPS and not issubclass(sender, HistoricalChanges):
        bump_version()


def connect_signals():
    post_save.connect(_on_change, dispatch_uid="pagecache-save")
    post_delete.connect(_on_change, dispatch_uid="pagecache-delete")


def _cacheable_request(request):
    return (
        getattr(settings, "PUBLIC_PAGE_CACHE", True)
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def _normal_query(pairs):
    """One spelling per set of values: empty values dropped (a form sends them), sorted."""
    return urlencode(sorted((str(k), str(v)) for k, v in pairs if str(v) != ""))


def _asked_query(request):
    return _normal_query((k, v) for k, values in request.GET.lists() for v in values)


def canonical_query(request, pairs):
    """The view reports the parameters it used, as validated values: ``[(name, value)]``.

    The page is stored only if they are exactly what was asked (see the module docstring).
    A view that never calls this is stored only when asked with no parameters.
    """
    request._page_cache_query = _normal_query(pairs)


def _key(request):
    parts = [
        str(current_version()),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        request.path,
        _asked_query(request),
        "partial" if wants_partial(request) else "page",
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"public-page:{digest}"


def _redirect_to_known(request, params):
    """Drop the parameters the view does not know; None when there are none to drop."""
    if all(name in params for name in request.GET):
        return None
    known = [(k, v) for k, values in request.GET.lists() if k in params for v in values]
    return HttpResponseRedirect(request.path + (f"?{urlencode(known)}" if known else ""))


def _template_for_cache(response):
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or response.has_header("Cache-Control")
    ):
        return None
    html = response.content.decode(response.charset)
    tokens = set(_TOKEN.findall(html))
    if "csrf" in html.lower() and not tokens:
        return None  # a token we could not find: never hand it to someone else
    for token in tokens:
        html = html.replace(token, PLACEHOLDER)
    return html


def cache_public_page(view=None, *, params=()):
    """Serve anonymous visitors a cached copy of the page (see the module's docstring).

    ``@cache_public_page`` for a page without parameters; ``@cache_public_page(params=(...))``
    for one with filters, whose view then calls ``canonical_query``.
    """
    if view is None:
        return lambda view: cache_public_page(view, params=params)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        redirect = _redirect_to_known(request, params)
        if redirect is not None:
            return redirect
        key = _key(request)
        hit = cache.get(key)  # the cache fails soft (core.cache): down means a miss
        if hit is not None:
            html, content_type, vary = hit
            response = HttpResponse(html.replace(PLACEHOLDER, get_token(request)), content_type)
            if vary:
                patch_vary_headers(response, vary)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        html = _template_for_cache(response)
        if html is not None and getattr(request, "_page_cache_query", "") == _asked_query(request):
            vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
            # A set that failed answers False (core.cache); Django's backends answer None.
            if cache.set(key, (html, response["Content-Type"], vary), _ttl()) is not False:
                response["X-Page-Cache"] = "miss"
        return response

    return wrapped
