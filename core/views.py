"""Views that belong to no app: the load balancer's liveness check."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer and docker healthchecks: the database answers."""
    connection.ensure_connection()
    return JsonResponse({"ok": True})
