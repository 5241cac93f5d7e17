"""Who may do what. Every view goes through one of these; nothing is checked in templates only."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def _require(test):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_office_staff(user):
    return user.is_authenticated and user.is_active and user.is_staff


def is_liaison(user):
    return user.is_authenticated and user.is_active and user.unit_id is not None


#: Office staff (党建办) only.
staff_required = _require(is_office_staff)
#: A liaison of a member unit only.
liaison_required = _require(is_liaison)
#: A liaison or office staff.
member_required = _require(lambda u: is_office_staff(u) or is_liaison(u))
