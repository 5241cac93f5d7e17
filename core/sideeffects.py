"""Side effects of a write (cache, broker, anything outside the database): one place runs them.

``after_commit(fn, *args)`` runs ``fn(*args)`` once the current transaction commits (at once
when there is none), and logs its failure instead of raising it. A write that committed has
happened: whatever a side effect does (Redis down, a full cache, a broker that refuses), the
answer to the write stays the answer of the write. Rolled back, nothing runs.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def run_quietly(fn, *args, **kwargs):
    """Call ``fn``; log and swallow any exception. Returns its result, or None on failure."""
    try:
        return fn(*args, **kwargs)
    except Exception:
        name = getattr(fn, "__qualname__", None) or getattr(fn, "name", None) or repr(fn)
        logger.warning("side effect %s%r failed; the write stands", name, args, exc_info=True)
        return None


def after_commit(fn, *args, using=None, **kwargs):
    """Run ``fn(*args, **kwargs)`` after the current transaction commits; never raise."""
    transaction.on_commit(lambda: run_quietly(fn, *args, **kwargs), using=using)
