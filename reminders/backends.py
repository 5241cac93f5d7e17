from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import OuterRef

from accounts import usercache

from .models import Notification


class InboxAwareModelBackend(ModelBackend):
    """Django's ModelBackend, loading the signed-in user with the unread inbox count.

    The header badge is on every page; a subquery in the query that loads the user anyway
    saves a query per page (`user.unread_notifications`); the loaded user is cached
    (``accounts.usercache``).
    """

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        if not usercache.on():
            user = self._load(user_id)
        else:
            (user_key, unread_key), cached = usercache.lookup(user_id)
            user = cached.get(user_key)
            if user is not None and user.pk != user_id:
                user = None  # never another user's copy, whatever the key says
            if user is None:
                user = self._load(user_id)
                if user is None:
                    return None
                if user.unit_id is not None:
                    user.unit  # noqa: B018 - loaded now, so a liaison's pages need no query for it
                usercache.put(user_key, user)
                usercache.put(unread_key, user.unread_notifications)
            elif unread_key in cached:
                user.unread_notifications = cached[unread_key]
            else:
                user.unread_notifications = Notification.objects.unread_count(user)
                usercache.put(unread_key, user.unread_notifications)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _load(self, user_id):
        """The user with the unread count, in one query."""
        unread = Notification.objects.unread_count_subquery(OuterRef("pk"))
        users = get_user_model().objects.annotate(unread_notifications=unread)
        return users.filter(pk=user_id).first()
