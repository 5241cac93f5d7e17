from django.utils.functional import SimpleLazyObject

from .middleware import addresses
from .models import Council, current_council_id


def _brand(council):
    return f"{council.name}“{council.network_name}”" if council.network_name else council.name


def council(request):
    """The council a page is for (``request.council``; outside a request, the scope's or the
    first), for the header and titles that name it: ``council``, ``council_brand`` (朱泾镇“心联鑫”)
    ``council_is_first`` (the deployment's first, whose pages keep their own history) and
    ``several_councils`` (then the menu links to the district's list of councils)."""
    found = getattr(request, "council", None)
    if found is None:
        found = SimpleLazyObject(lambda: Council.objects.get(pk=current_council_id()))
    return {
        "council": found,
        "council_brand": SimpleLazyObject(lambda: _brand(found)),
        "council_is_first": getattr(request, "council_is_first", True),
        "several_councils": SimpleLazyObject(lambda: len(addresses().by_slug) > 1),
    }
