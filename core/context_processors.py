from django.conf import settings

from core import caremode
from core.access import is_district_staff, is_liaison, is_office_staff


def site(request):
    """Who is looking, for the header and navigation."""
    user = request.user
    return {
        "is_office_staff": is_office_staff(user),
        "is_district_staff": is_district_staff(user),
        "is_liaison": is_liaison(user),
        "debug": settings.DEBUG,
        "care_mode": caremode.is_on(request),
    }
