from .models import Notification


def unread_notifications(request):
    """The unread count for the header badge: one query, signed-in users only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user, read_at=None).count()}
