from django.conf import settings


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` (Django has no setting for it): no page uses the
    camera, microphone, location or payments, so no page (or frame) may ask for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
