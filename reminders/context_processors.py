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


def unread_badge(request):
    """The unread count as part of the shared header's key (SIGNED_IN_HEADER_STATE)."""
    return unread_notifications(request).get("unread_notifications")
