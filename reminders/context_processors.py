from .models import Notification


def unread_notifications(request):
    """The unread count for the header badge, for signed-in users.

    ``InboxAwareModelBackend`` loads it with the user; otherwise it costs one query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(user, "unread_notifications", None)
    if count is None:
        count = Notification.objects.unread_count(user)
    return {"unread_notifications": count}
