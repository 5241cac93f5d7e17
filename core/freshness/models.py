"""Version counters kept in the database, bumped right after the write commits.

A cache may lose a write, come back from disk with old data, or be flushed; the database
cannot disagree with itself. So what says "the data changed" lives here, and the caches only
hold copies keyed by it: a restored cache holds keys nobody asks for any more.
"""

import time

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from core.sideeffects import after_commit, run_quietly


class DataVersion(models.Model):
    name = models.CharField(max_length=50, primary_key=True)
    value = models.BigIntegerField()

    def __str__(self):
        return f"{self.name}={self.value}"

    @classmethod
    def bump(cls, name):
        """Move the counter on, in autocommit right after the write (its row lock is brief).

        The counter never falls behind the clock in milliseconds: a counter that was lost
        or went back (a recreated or restored database, a rolled-back bump) still moves
        past every number an older cache entry holds.
        """
        now = int(time.time() * 1000)
        moved = Greatest(F("value") + 1, Value(now))
        if cls.objects.filter(name=name).update(value=moved):
            return
        try:
            with transaction.atomic():
                cls.objects.create(name=name, value=now)
        except IntegrityError:  # another process created it first
            cls.objects.filter(name=name).update(value=moved)

    @classmethod
    def read(cls, name):
        """The counter's value (0 if it was never bumped)."""
        return cls.objects.filter(name=name).values_list("value", flat=True).first() or 0


class MemoisedVersion:
    """One counter as this process sees it: reread at most every ``seconds``, so a page
    costs no query for it, and another process sees a bump at most that much later.

    A bump that fails after its write committed (the database gone in between) is tried
    again before this process's next read, so caches keyed by the counter do not serve
    the old data until their TTL."""

    _all = []

    def __init__(self, name, seconds=1.0):
        self.name = name
        self.seconds = seconds
        self._value = None
        self._until = 0.0
        self._pending = False  # a committed change whose bump failed
        self._all.append(self)

    @classmethod
    def forget_all(cls):
        """Read every counter afresh next time (query counts that must not hang on the clock)."""
        for version in cls._all:
            version.forget()

    def current(self):
        if self._pending and not connection.in_atomic_block:
            run_quietly(self.bump_now)
        now = time.monotonic()
        if self._value is not None and now < self._until:
            return self._value
        value = DataVersion.read(self.name)
        self._value, self._until = value, now + self.seconds
        return value

    def forget(self):
        self._value, self._until = None, 0.0

    def bump_now(self):
        """Bump at once, in whatever transaction is open."""
        DataVersion.bump(self.name)
        self._pending = False
        self.forget()

    def bump_after_commit(self):
        """Bump once the current write commits, in a short statement of its own (its row
        lock is then not held for the rest of the writer's transaction); this process stops
        trusting its copy at once."""
        self.forget()
        after_commit(self._bump_committed)

    def _bump_committed(self):
        self._pending = True  # until the bump succeeds
        self.bump_now()
