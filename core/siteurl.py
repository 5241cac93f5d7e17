"""Absolute links from the configured site address (``SITE_URL``), never from the Host a
request came with: a QR sheet printed on the office PC (opened as 127.0.0.1) must still
point phones at the address they can reach."""

from ipaddress import ip_address
from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path):
    return settings.SITE_URL + path


def site_url_is_loopback():
    """True when phones could not reach ``SITE_URL`` (127.x, ::1, localhost)."""
    host = urlsplit(settings.SITE_URL).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
