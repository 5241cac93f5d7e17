"""Whole pages from the shared cache: one decorator, ``shared_page``, for what many people see alike.

Residents open the project board and project pages from a QR code or a WeChat link, all at
once when the joint meeting is shown; every office staff member sees the same registry; a
liaison's board is the resident's board with another header. So a page is rendered once per
*audience* and cached:

- anonymous visitors are one audience; the copy is the whole page;
- signed-in users (only where the view says ``signed_in=True``) share a copy per role (office
  staff, liaison) and, with ``per_unit=True``, per liaison's unit. Their copy is rendered with
  an explicit slot instead of the site header (``base.html`` writes ``HEADER_SLOT`` when the
  request carries ``header_slot``): each request renders its own header
  (``components/site_header.html``: name, unread badge, logout form) into the slot. Nothing is
  cut out of rendered HTML, and a page whose copy does not hold exactly one slot is not stored.

Every copy holds a placeholder where the CSRF token was; each visitor gets their own token.
Pages with flash messages and anything but a plain 200 answer bypass the cache. Access checks
stay in the view's decorators, which run before this one.

Freshness: every save or delete of a registry, project or record model (``units``,
``projects``, ``records``) bumps a version counter in the database (``core.freshness``) as
soon as the write commits, and the version is part of every key. Each process rereads it at
most once a second (``VERSION_MEMO_SECONDS``), and the writing process at once after its
commit. Redis down, restarted with its old data or flushed: the cache can only miss, never
serve a page older than the last committed write. Writes that send no signal
(``QuerySet.update``) call ``bump_version()`` themselves; ``PUBLIC_PAGE_TTL`` bounds any that
don't. Signed-in keys add today's date, for pages that colour overdue items.

Bounded keys: a key is built from the council (``request.council``: the same path is
another page at another council's host), the path, the language, whether htmx asked for a partial,
the audience, whether 长辈模式 is on (core.caremode) and the query parameters, never from raw headers. For anonymous visitors,
parameters the view did not declare (``params``) are redirected away (a WeChat share adds
``?from=...``); a page is stored only when the view reported (``canonical_query``) that it
used exactly the values asked for, so junk values (``?year=abc``, a page past the end, any
search text) are answered fresh and never stored.

Switches: ``PUBLIC_PAGE_CACHE`` (every copy), ``SIGNED_IN_PAGE_CACHE`` (the signed-in
audiences' copies), ``PUBLIC_PAGE_TTL`` (docs/caching.md).
"""

import hashlib
import logging
import re
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.contrib.messages import get_messages
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.cache import patch_vary_headers
from simple_history.models import HistoricalChanges

from core import caremode, councils
from core.access import is_liaison, wants_partial, works_here
from core.freshness.models import MemoisedVersion

logger = logging.getLogger(__name__)

VERSION_NAME = "public-pages"
PLACEHOLDER = "__csrf-token-placeholder__"
#: What a shared signed-in copy holds where the header goes. An HTML comment: user text is
#: escaped on the way into a template, so no user can write it.
HEADER_SLOT = mark_safe("<!--zhujing:site-header-->")
HEADER_TEMPLATE = "components/site_header.html"
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
    """Memoise a read that takes no arguments, per council and data version, in this process.

    Recomputed after any committed change to a watched model (seen here within
    ``VERSION_MEMO_SECONDS``); per council (the running scope's, ``core.councils``), only the
    current version's value is kept. For reads every request of a kind makes and none
    changes (the open meeting, the open projects offered to the loser of a race). Off with
    ``VERSION_MEMO``.
    """
    memo = {}  # {council id: (version, value)}

    @wraps(fn)
    def wrapped():
        if not settings.VERSION_MEMO:
            return fn()
        version, council = current_version(), councils.current_id()
        kept_version, value = memo.get(council, (None, _MISSING))
        if kept_version != version or value is _MISSING:
            value = fn()
            memo[council] = (version, value)
        return value

    return wrapped


def _on_change(sender, **kwargs):
    if sender._meta.app_label in WATCHED_APPS and not issubclass(sender, HistoricalChanges):
        bump_version()


def connect_signals():
    post_save.connect(_on_change, dispatch_uid="pagecache-save")
    post_delete.connect(_on_change, dispatch_uid="pagecache-delete")


def _on(anonymous):
    return settings.PUBLIC_PAGE_CACHE and (anonymous or settings.SIGNED_IN_PAGE_CACHE)


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


def audience(request, per_unit=False):
    """Who may get the same copy of a page as the user asking: "public" for anonymous
    visitors. Office staff share the staff copy of the council they work on (another
    council's staff see its pages as any signed-in visitor does)."""
    user = request.user
    if not user.is_authenticated:
        return "public"
    parts = []
    if works_here(request):
        parts.append("staff")
    if is_liaison(user):
        parts.append(f"unit-{user.unit_id}" if per_unit else "liaison")
    if user.is_superuser:
        parts.append("super")
    return "+".join(parts) or "member"


def _key(request, who):
    parts = [
        str(current_version()),
        str(councils.current_id(request)),  # one host or path serves each council its own
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        request.path,
        _asked_query(request),
        "partial" if wants_partial(request) else "page",
        who,
        "care" if caremode.is_on(request) else "",  # 长辈模式 pages differ in their <html>
    ]
    if who != "public":
        parts.append(timezone.localdate().isoformat())
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page:{digest}"


def _redirect_to_known(request, params):
    """Drop the parameters the view does not know; None when there are none to drop."""
    if all(name in params for name in request.GET):
        return None
    known = [(k, v) for k, values in request.GET.lists() if k in params for v in values]
    return HttpResponseRedirect(request.path + (f"?{urlencode(known)}" if known else ""))


def _shared_copy(request, response, slot):
    """What others may get of this answer: (parts around the header slot, headers), or None."""
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or response.has_header("Cache-Control")
        or getattr(request, "_page_cache_query", "") != _asked_query(request)
    ):
        return None
    html = response.content.decode(response.charset)
    tokens = set(_TOKEN.findall(html))
    if "csrf" in html.lower() and not tokens:
        return None  # a token we could not find: never hand it to someone else
    for token in tokens:
        html = html.replace(token, PLACEHOLDER)
    parts = html.split(HEADER_SLOT) if slot else [html]
    if len(parts) != (2 if slot else 1):
        return None  # no slot (a partial), or one the page wrote twice
    headers = {"Content-Type": response["Content-Type"]}
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    return parts, headers, vary


#: This process's rendered site headers: a signed-in user's header changes with their name,
#: role, unread count and the office's to-dos (the data version and the day), and nothing
#: else, yet rendering it (two dozen links) cost more than the rest of a cached page.
_headers = {}
HEADER_MEMO_SIZE = 1000


def _header_key(request):
    user = request.user
    unread = getattr(user, "unread_notifications", None)
    if unread is None:  # not loaded with the user: the header would count it, so do not memo
        return None
    council = getattr(request, "council", None)
    return (
        user.pk,
        str(user),
        user.unit_id,
        audience(request),
        unread,
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        get_script_prefix(),
        getattr(council, "pk", None),
        current_version(),
        timezone.localdate(),
    )


def _header(request):
    """This user's header, rendered once per state of everything it shows (``HEADER_MEMO``),
    with this request's CSRF token in its logout form."""
    key = _header_key(request) if settings.HEADER_MEMO else None
    html = _headers.get(key) if key is not None else None
    if html is not None:
        return html.replace(PLACEHOLDER, get_token(request))
    html = render_to_string(HEADER_TEMPLATE, request=request)
    if key is not None:
        stored = html
        for token in set(_TOKEN.findall(html)):
            stored = stored.replace(token, PLACEHOLDER)
        if len(_headers) >= HEADER_MEMO_SIZE:
            _headers.clear()
        _headers[key] = stored
    return html


def _from_copy(request, copy):
    parts, headers, vary = copy
    header = _header(request) if len(parts) == 2 else ""
    html = header.join(parts).replace(PLACEHOLDER, get_token(request))
    response = HttpResponse(html, headers["Content-Type"])
    if vary:
        patch_vary_headers(response, vary)
    response["X-Page-Cache"] = "hit"
    return response


def _fill_header_slot(request, response):
    """This user's header into the slot of the answer just rendered for them."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return
    html = response.content.decode(response.charset)
    if HEADER_SLOT in html:
        header = _header(request)
        response.content = header.join(html.split(HEADER_SLOT, 1))


def shared_page(view=None, *, params=(), signed_in=False, per_unit=False):
    """Serve a page from the copy its audience shares (see the module's docstring).

    ``@shared_page`` caches what anonymous visitors see of a page without parameters;
    ``params=(...)`` declares the filters whose view calls ``canonical_query``;
    ``signed_in=True`` shares the page among users of one role too, ``per_unit=True`` among
    the liaisons of one unit. Put it below the access-check decorators.
    """
    if view is None:
        return lambda view: shared_page(view, params=params, signed_in=signed_in, per_unit=per_unit)
    signed_in = signed_in or per_unit

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        anonymous = not request.user.is_authenticated
        if (
            not _on(anonymous)
            or request.method not in ("GET", "HEAD")
            or not (anonymous or signed_in)
            or len(get_messages(request)) > 0
        ):
            return view(request, *args, **kwargs)
        if anonymous:
            redirect = _redirect_to_known(request, params)
            if redirect is not None:
                return redirect
        key = _key(request, audience(request, per_unit))
        copy = cache.get(key)  # the cache fails soft: down means a miss
        if copy is not None:
            return _from_copy(request, copy)
        if not anonymous:
            request.header_slot = HEADER_SLOT  # base.html leaves the header's place empty
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.header_slot = None  # error pages rendered after this get their header
        copy = _shared_copy(request, response, slot=not anonymous)
        stored = copy is not None and len(get_messages(request)) == 0
        if stored:
            cache.set(key, copy, _ttl())
        if not anonymous:
            _fill_header_slot(request, response)
        if stored:
            response["X-Page-Cache"] = "miss"
        return response

    #: Who shares this page's copies, for the tests that walk every shared page.
    wrapped.shared_page = "unit" if per_unit else "role" if signed_in else "public"
    return wrapped
