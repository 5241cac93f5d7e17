from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import OuterRef

from accounts import usercache

from .models import Notification


class InboxAwareModelBackend(ModelBackend):
    """Django's ModelBackend, loading the signed-in user with a liaison's unit and the unread
    inbox count (the header's badge, on every page) in one query, and keeping both in the
    user cache (``accounts.usercache``)."""

    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        if not usercache.on():
            user = self._load(user_id)
        else:
            user_key, unread_key = usercache.keys(user_id)
            cached = usercache.get_many(user_key, unread_key)
            user = cached.get(user_key)
            if user is not None and user.pk != user_id:
                user = None  # never another user's copy, whatever the key says
            if user is None:
                user = self._load(user_id)
                if user is None:
                    return None
                usercache.put(user_key, user)
                usercache.put(unread_key, user.unread_notifications)
            elif unread_key in cached:
                user.unread_notifications = cached[unread_key]
            else:
                user.unread_notifications = Notification.objects.unread_count(user)
                usercache.put(unread_key, user.unread_notifications)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _load(self, user_id):
        unread = Notification.objects.unread_count_subquery(OuterRef("pk"))
        users = get_user_model()._default_manager.select_related("unit")
        return users.annotate(unread_notifications=unread).filter(pk=user_id).first()
