"""Reading ids from query strings: ASCII digits within a database id's range, or nothing.

``str.isdigit()`` accepts ``²`` and other digits that ``int()`` refuses, and a very long
number overflows PostgreSQL's bigint: both once answered 500.
"""

import re

DIGITS = re.compile(r"[0-9]{1,18}")


def to_id(value):
    """The positive id ``value`` spells, or None."""
    if isinstance(value, str) and DIGITS.fullmatch(value) and int(value) > 0:
        return int(value)
    return None


def to_ids(values):
    """The ids among ``values``, dropping what is not one."""
    return [pk for pk in map(to_id, values) if pk is not None]


def safe_next(request, target, default):
    """``target`` if it is a path on this site to return to, else ``default``.

    A path, not a view name: ``redirect("2026-02-30")`` would look the text up as a view and
    answer 500, and Django's host check alone lets such relative text through.
    """
    from django.utils.http import url_has_allowed_host_and_scheme

    target = target or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
