from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come from a request.

    Every login form (ours and the admin's) passes the request, so those are throttled
    per username+IP. A call without a request - the test client's ``login()``, a shell -
    has no client address to throttle and goes on to the password check; axes itself
    would raise instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request):
    """The client's address for login throttling (AXES_CLIENT_IP_CALLABLE).

    Behind ``NUM_PROXIES`` reverse proxies (the TLS proxy in front of gunicorn),
    REMOTE_ADDR is the proxy's, so the address comes from X-Forwarded-For: the entry the
    nearest trusted proxy appended. Entries further left were written by the client and
    are never trusted. With no proxy configured, REMOTE_ADDR is used as is.
    """
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
