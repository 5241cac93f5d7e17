from django.conf import settings


def site(request):
    """Who is looking, for the header and navigation."""
    user = request.user
    return {
        "is_office_staff": user.is_authenticated and user.is_staff,
        "is_liaison": user.is_authenticated and getattr(user, "unit_id", None) is not None,
        "debug": settings.DEBUG,
    }
