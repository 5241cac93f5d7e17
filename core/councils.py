"""Which council the running code serves, for keys: caches, per-process memos, file names.

A deployment serves one council or several (``units.Council``), each at its own host name
or ``/c/<slug>/`` prefix. Requests carry it as ``request.council`` (set by
``units.middleware.CouncilAddressMiddleware``) and run inside ``django_scopes.scope(council=…)``;
tasks and commands run inside such a scope too. Everything cached or memoised from council
data carries the council, so one council's page or figures never answer for another's.
"""

from django_scopes import get_scope


def current_id(request=None):
    """The council's id: the request's, else the active scope's; None outside both (code
    that works for the deployment as a whole, or the single council of a plain install)."""
    council = getattr(request, "council", None)
    if council is None:
        council = get_scope().get("council")
    council = getattr(council, "pk", council)
    return council if isinstance(council, int) else None


def file_name(request, name):
    """A download's name: ``name`` for the deployment's first council (as before councils),
    ``<slug>-name`` for the others, so files saved from two councils never overwrite."""
    council = getattr(request, "council", None)
    if council is None or getattr(request, "council_is_first", True):
        return name
    return f"{council.slug}-{name}"
