from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhujing.pagecache import cache_public_page


@require_GET
@cache_public_page
def home(request):
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer and docker healthchecks: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
