"""Why a page asked for sign-in, told on the login page: a liaison who scanned a project's QR
code reads which project it is and why an account is needed.

Apps register a function per URL name (``register("projects:project-adopt", fn)`` in their
``AppConfig.ready``): accounts knows no app above it. The function gets the URL's keyword
arguments and returns ``{"title", "subtitle", "why", "public_url"}`` or None.
"""

from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

_describers = {}


def register(view_name, describe):
    _describers[view_name] = describe


def describe(next_url):
    """What the page at ``next_url`` (a path of this site) is, or None."""
    if not next_url or not url_has_allowed_host_and_scheme(next_url, allowed_hosts=set()):
        return None
    try:
        match = resolve(next_url.split("?", 1)[0])
    except Resolver404:
        return None
    describer = _describers.get(match.view_name)
    return describer(**match.kwargs) if describer else None
