"""Absolute links from the configured site address (``SITE_URL``), never from the Host a
request came with: a QR sheet printed on the office PC (opened as 127.0.0.1) must still
point phones at the address they can reach. A council served at its own host name links to
that host (``at_host``)."""

from contextlib import contextmanager
from contextvars import ContextVar
from ipaddress import ip_address
from urllib.parse import urlsplit

from django.conf import settings

#: A council reached at its own host name: its links go to that host (``at_host``).
_council_site = ContextVar("council_site", default=None)


def absolute_url(path):
    return (_council_site.get() or settings.SITE_URL) + path


def host_url(host):
    """The address of a council's own host name: ``SITE_URL``'s scheme (and port, if any)."""
    site = urlsplit(settings.SITE_URL)
    return f"{site.scheme}://{host}" + (f":{site.port}" if site.port else "")


@contextmanager
def at_host(host):
    """Absolute links to ``host`` (a council's own host name) while serving it."""
    token = _council_site.set(host_url(host))
    try:
        yield
    finally:
        _council_site.reset(token)


def site_url_is_loopback():
    """True when phones could not reach ``SITE_URL`` (127.x, ::1, localhost)."""
    host = urlsplit(settings.SITE_URL).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
