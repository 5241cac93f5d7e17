from axes.backends import AxesStandaloneBackend


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

