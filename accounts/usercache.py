"""The signed-in user (with a liaison's unit) and their unread count, from the shared cache.

Every signed-in page loads its user (``reminders.backends.InboxAwareModelBackend``); with the
page itself from the shared cache, that load was the page's last query. So both are cached
by user id, each under a data version kept in the database (``core.freshness``):

- ``users`` moves after any committed change to a user (saved, deactivated, signed out, a new
  password) or to a member unit;
- ``inbox`` moves after any committed change to a notification (created, read). An adoption
  notifies the unit's liaisons: in a surge the inbox version moves all the time, and only the
  cheap unread count is read again, not the user.

Each process rereads a version at most once a second, the writing process at once, so a
deactivated account is refused within a second everywhere. Redis down, restarted with old
data or flushed: the cache can only miss. Inbox writes that send no signal go through
``NotificationQuerySet``, which calls ``inbox_changed()`` itself. Off with ``USER_CACHE``.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from core.freshness.models import MemoisedVersion

#: How long a loaded user stays cached. Any change to a user or a unit moves the version, so
#: the TTL only bounds memory. Liaisons sign in when the joint meeting begins and the
#: adoption window opens an hour or two later: the copies must last until then.
TTL = 4 * 60 * 60
_users = MemoisedVersion("users")
_inbox = MemoisedVersion("inbox")


def on():
    return getattr(settings, "USER_CACHE", True)


def keys(user_id):
    """The user's and the unread count's keys as of now, taken *before* loading, so a copy
    loaded just before a change is stored under the version readers are leaving."""
    return f"user:{_users.current()}:{user_id}", f"unread:{_inbox.current()}:{user_id}"


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
