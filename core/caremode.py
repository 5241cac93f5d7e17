"""长辈模式 (care mode) for residents on the public pages: larger text, stronger contrast,
bigger tap targets, a simpler layout.

A cookie remembers it, set by a plain form in the header (no script: the CSP allows none
inline). Only anonymous visitors (residents) get it, so shared pages of signed-in users
never carry it; the public page cache keeps the two modes apart in its key
(core.pagecache).
"""

from django.conf import settings
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.params import safe_next

ONE_YEAR = 365 * 24 * 3600


def is_on(request):
    user = getattr(request, "user", None)
    return (
        request.COOKIES.get(settings.CARE_MODE_COOKIE_NAME) == "1"
        and not (user is not None and user.is_authenticated)
    )


@require_POST
def switch(request):
    """Turn care mode on (``on=1``) or off, and go back to the page the switch was on."""
    response = redirect(safe_next(request, request.POST.get("next"), "/"))
    name = settings.CARE_MODE_COOKIE_NAME
    if request.POST.get("on") == "1":
        response.set_cookie(
            name, "1", max_age=ONE_YEAR, samesite="Lax", httponly=True, secure=settings.HTTPS
        )
    else:
        response.delete_cookie(name, samesite="Lax")
    return response
