from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from core import caremode
from core.access import is_district_staff, is_liaison, is_office_staff


def site(request):
    """Who is looking, for the header and navigation. Nobody yet on an error page drawn
    before the authentication middleware ran (a Host the site does not serve)."""
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "is_office_staff": is_office_staff(user),
        "is_district_staff": is_district_staff(user),
        "is_liaison": is_liaison(user),
        "debug": settings.DEBUG,
        "care_mode": caremode.is_on(request),
    }
