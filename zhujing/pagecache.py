"""Whole-page cache for what anonymous visitors see of the public pages.

Residents open the project board and project pages from a QR code or a WeChat link, all
at once when the joint meeting is shown; those pages are the same for every anonymous
visitor except for the CSRF token (the language switch and htmx need it). So the page is
cached with a placeholder where the token was, and each visitor gets their own token put
back in. Signed-in users, pages with flash messages and anything but a plain 200 answer
bypass the cache.

Freshness: every save or delete of a registry or project model (``units``, ``projects``)
bumps one version number after its transaction commits, and the version is part of every
key, so a new adoption shows within a second (each process rereads the version every
second). ``PUBLIC_PAGE_TTL`` bounds what bulk updates (which
send no signal) could leave stale.
"""

import hashlib
import logging
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

VERSION_KEY = "public-pages:version"
PLACEHOLDER = "__csrf-token-placeholder__"
WATCHED_APPS = {"units", "projects"}
_TOKEN = re.compile(
    r'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{32,64})"'
)


def _ttl():
    return getattr(settings, "PUBLIC_PAGE_TTL", 300)


#: This process's copy of the version, for VERSION_MEMO_SECONDS: one cache round trip
#: less per page. Other processes see a change at most that much later.
VERSION_MEMO_SECONDS = 1.0
_memo = {"version": None, "until": 0.0}


def current_version():
    now = time.monotonic()
    if _memo["version"] is not None and now < _memo["until"]:
        return _memo["version"]
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock, so a cache that lost the key never reuses an old number.
        cache.add(VERSION_KEY, int(time.time() * 1000), None)
        version = cache.get(VERSION_KEY, 0)
    _memo.update(version=version, until=now + VERSION_MEMO_SECONDS)
    return version


def bump_version():
    _memo.update(version=None, until=0.0)
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, int(time.time() * 1000), None)
    except Exception:  # a save must not fail because the cache is down
        logger.warning("could not invalidate the public page cache", exc_info=True)


def _on_change(sender, **kwargs):
    if sender._meta.app_label in WATCHED_APPS:
        transaction.on_commit(bump_version)


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


def _key(request):
    parts = [
        str(current_version()),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Boosted", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        request.headers.get("HX-Target", ""),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"public-page:{digest}"


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


def cache_public_page(view):
    """Serve anonymous visitors a cached copy of the page (see the module's docstring)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        try:
            key = _key(request)
            hit = cache.get(key)
        except Exception:  # the cache is an optimisation, never a dependency
            logger.warning("public page cache unavailable", exc_info=True)
            return view(request, *args, **kwargs)
        if hit is not None:
            html, content_type, vary = hit
            response = HttpResponse(html.replace(PLACEHOLDER, get_token(request)), content_type)
            if vary:
                patch_vary_headers(response, vary)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        html = _template_for_cache(response)
        if html is not None:
            vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
            try:
                cache.set(key, (html, response["Content-Type"], vary), _ttl())
            except Exception:
                logger.warning("public page cache unavailable", exc_info=True)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapped
