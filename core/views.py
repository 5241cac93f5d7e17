"""Views that belong to no app: the load balancer's liveness check."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer and docker healthchecks: the database answers."""
    # A round trip, not just an open socket: a persistent connection can outlive its server.
    connection.ensure_connection()
    usable = connection.is_usable()
    return JsonResponse({"ok": usable}, status=200 if usable else 503)
