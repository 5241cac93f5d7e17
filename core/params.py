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
