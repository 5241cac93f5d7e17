"""The signed-in user, their unit and their unread count, from the shared cache.

Every signed-in page loads its user (``InboxAwareModelBackend``): after the session, the
last query of a page served from the shared signed-in cache. So the loaded user (with a
liaison's unit) and their unread count are cached, each under a version kept in the
database (``core.freshness``):

- ``users`` moves after any committed change to a user (saved, deactivated, password
  changed) or to a member unit;
- ``inbox`` moves after any committed change to a notification (created, read). An
  adoption notifies the unit's liaisons: in a surge the inbox version moves all the time,
  and only the cheap unread count is read again, not the user.

Each process rereads a version at most once a second, the writing process at once, so a
deactivated account is refused within a second everywhere. Redis down, restarted with old
data or flushed: the cache can only miss.

With sessions in the same Redis (``accounts.sessions``) the copies are kept per session, not
per user, so the session store reads them in the same round trip as the session itself
(``session_keys``, ``prefetched``): a session's key belongs to one user for its life (a
sign-in as someone else gets a new key), and the backend still checks the user's id. That
round trip less is about 7% of a worker's time per request in the adoption surge (sampled).

Reminders calls ``inbox_changed()`` on every inbox write (its receivers, and
``NotificationQuerySet`` for writes that send no signal). Off in tests that roll back (``USER_CACHE``), as the public
page cache is: a commit that never happens would never move a version.
"""

from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from core.freshness.models import MemoisedVersion

#: How long a loaded user stays cached. Any change to a user or a unit moves the version,
#: so the TTL only bounds memory, and a change whose version bump was lost (the database
#: gone between the write's commit and the bump, which the process then retries at its
#: next read). Liaisons sign in when the joint meeting begins and the adoption window
#: opens an hour or two later: with five minutes, all 143 were loaded from the database
#: again in the surge's first second.
TTL = 4 * 60 * 60
_users = MemoisedVersion("users")
_inbox = MemoisedVersion("inbox")


def on():
    return getattr(settings, "USER_CACHE", True)


def keys(user_id):
    """The user's and the unread count's keys as of now, taken *before* loading, so a copy
    loaded just before a change is stored under the version readers are leaving."""
    return f"user:{_users.current()}:{user_id}", f"unread:{_inbox.current()}:{user_id}"


def session_keys(session_key):
    """The keys of the copies kept for the user signed in with this session, as of now."""
    return f"user:{_users.current()}:s:{session_key}", f"unread:{_inbox.current()}:s:{session_key}"


#: What the session store just read with the session: (keys, found), for the backend's next
#: ``lookup`` in this request. Each session read replaces it and each lookup takes it.
_prefetched = ContextVar("usercache_prefetched", default=None)


def prefetched(keys, found):
    _prefetched.set((keys, found))


def lookup(user_id):
    """The keys of the user's copies and what the cache holds under them: read with the
    session when the session store did so, else read now by the user's id."""
    taken = _prefetched.get()
    if taken is not None:
        _prefetched.set(None)
        return taken
    user_keys = keys(user_id)
    return user_keys, get_many(*user_keys)


def get_many(*keys):
    return cache.get_many(keys)


def put(key, value):
    cache.set(key, value, TTL)


def users_changed():
    """A user or a unit changed: every cached user is stale once the write commits."""
    _users.bump_after_commit()


def inbox_changed():
    """An inbox changed: every cached unread count is stale once the write commits."""
    _inbox.bump_after_commit()


#: What a sign-in saves of a user.
_SIGNED_IN = frozenset({"last_login"})


def _on_user_change(sender, update_fields=None, **kwargs):
    if update_fields == _SIGNED_IN:
        # A sign-in stamps last_login, which no page shows from the cached user: 143
        # liaisons signing in at the meeting must not make every cached user stale 143 times.
        return
    users_changed()


def connect_signals():
    """Users and units; reminders connects its notifications (``reminders.receivers``)."""
    from units.models import MemberUnit

    for model, receiver in (
        (get_user_model(), _on_user_change),
        (MemberUnit, _on_user_change),
    ):
        uid = f"usercache-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
