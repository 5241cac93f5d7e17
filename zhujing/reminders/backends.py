from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef

from .models import Notification


class InboxAwareModelBackend(ModelBackend):
    """Django's ModelBackend, loading the signed-in user with the unread inbox count.

    The header badge is on every page; a subquery in the query that loads the user anyway
    saves a query per page (`user.unread_notifications`).
    """

    def get_user(self, user_id):
        User = get_user_model()
        unread = Notification.objects.unread_count_subquery(OuterRef("pk"))
        user = (
            User._default_manager.annotate(unread_notifications=unread)
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
