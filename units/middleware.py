"""The council a request is for, and the scope every query of it runs in."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils.functional import SimpleLazyObject
from django_scopes import scope

from core.access import district_staff_may

from .models import Council


# --- The scope ------------------------------------------------------------------------------


class CouncilScopeMiddleware:
    """Runs the rest of the request inside ``django_scopes.scope(council=<id>)``: every query
    of a council-owned model filters by the council the request addresses, and one that
    escapes the scope raises ``ScopeError`` instead of reading another council's rows.

    The council is ``request.council`` when an earlier middleware set it from the request's
    host or path prefix; otherwise the deployment's first council, which is then set as
    ``request.council`` for the views. It is read lazily: a page that queries no council
    data (the health check, static answers, the login page) costs no query for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        council = getattr(request, "council", None)
        if council is None:
            council = request.council = SimpleLazyObject(first_council)
            key = "root"
        else:
            key = str(council.pk)
        # ``council_key`` names the council in cache keys without reading it (core.pagecache).
        with scope(council=council, council_key=key):
            response = self.get_response(request)
        if response.streaming and not isinstance(response, FileResponse):
            # A streamed answer (an open-data CSV) is read after this returns.
            response.streaming_content = _scoped(response.streaming_content, council, key)
        return response

    def process_view(self, request, view, args, kwargs):
        if not district_staff_may(request):
            raise PermissionDenied


def _scoped(chunks, council, key):
    """Each chunk of a streamed answer produced inside the request's scope."""
    chunks = iter(chunks)
    while True:
        with scope(council=council, council_key=key):
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def first_council():
    """The council served at the site's root."""
    return Council.objects.first() or Council.objects.get(pk=Council.first_id())
