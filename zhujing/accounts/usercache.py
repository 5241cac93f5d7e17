"""The signed-in user, with their unread count, from the shared cache.

Every signed-in page loads its user (``InboxAwareModelBackend``): after the session, the
last query of a page served from the shared signed-in cache. So the loaded user is cached
under a version kept in the database (``zhujing.freshness``), which moves after any
committed change to a user (saved, deactivated, password changed) or to anyone's inbox (a
notification created or read). Each process rereads the version at most once a second,
the writing process at once, so a deactivated account is refused within a second
everywhere. Redis down, restarted with old data or flushed: the cache can only miss.

Inbox writes that send no signal go through ``NotificationQuerySet``, which calls
``users_changed()`` itself. Off in tests that roll back (``USER_CACHE``), as the public
page cache is: a commit that never happens would never move the version.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from zhujing.freshness.models import MemoisedVersion
from zhujing.sideeffects import after_commit

TTL = 300
_version = MemoisedVersion("users")


def _on():
    return getattr(settings, "USER_CACHE", True)


def key(user_id):
    """The key for a user as of now (None with the cache off): taken *before* loading, so a
    copy loaded just before a change is stored under the version it belongs to, which
    readers are leaving."""
    return f"user:{_version.current()}:{user_id}" if _on() else None


def get(key):
    return cache.get(key) if key is not None else None


def put(key, user):
    if key is not None:
        cache.set(key, user, TTL)


def users_changed():
    """A user or an inbox changed: every cached user is stale once the write commits."""
    _version.forget()
    after_commit(_version.bump_now)


def _on_change(sender, **kwargs):
    users_changed()


def connect_signals():
    from zhujing.reminders.models import Notification

    for model in (get_user_model(), Notification):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"usercache-save-{model.__name__}")
        post_delete.connect(
            _on_change, sender=model, dispatch_uid=f"usercache-delete-{model.__name__}"
        )
