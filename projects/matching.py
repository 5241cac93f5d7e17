"""双向认领: ranking resources for a need, and needs for a resource. Explainable: every
suggestion carries the reasons it ranks where it does.

The order, most important first: the same project category; serves that community (then
its district, then the whole town); the unit is already paired with that community; still
available today. Each page loads a fixed number of queries, whatever the number of needs
or resources: candidates come in one query with their areas prefetched, the pairings in
one more, and the ranking runs in Python on those rows.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from units.models import Community, Pairing, Resource, today

from .models import Match, Need

#: How many suggestions a page shows.
SUGGESTIONS = 10
#: At most this many open needs (the newest) are ranked for one resource.
MAX_NEEDS = 500

# Area levels, best first.
AREA_COMMUNITY, AREA_DISTRICT, AREA_TOWN, AREA_NONE = 3, 2, 1, 0


@dataclass
class Suggestion:
    """One ranked suggestion: ``item`` is a Resource (for a need) or a Need (for a resource)."""

    item: object
    same_category: bool
    area: int
    paired: bool
    available: bool
    reasons: list = field(default_factory=list)
    match: object = None  # the live match of this pair, if one exists

    @property
    def key(self):
        return (self.same_category, self.area, self.paired, self.available)


def _area(resource, community):
    """How closely ``resource`` serves ``community``, from its prefetched areas."""
    if any(c.pk == community.pk for c in resource.communities.all()):
        return AREA_COMMUNITY
    if any(d.pk == community.district_id for d in resource.districts.all()):
        return AREA_DISTRICT
    if resource.serves_everywhere:
        return AREA_TOWN
    return AREA_NONE


def _reasons(s, community):
    reasons = []
    if s.same_category:
        reasons.append(_("same category"))
    if s.area == AREA_COMMUNITY:
        reasons.append(_("serves %(place)s") % {"place": community.name})
    elif s.area == AREA_DISTRICT:
        reasons.append(_("serves the %(place)s district") % {"place": community.district.name})
    elif s.area == AREA_TOWN:
        reasons.append(_("serves the whole town"))
    if s.paired:
        reasons.append(_("already paired with %(place)s") % {"place": community.name})
    if s.available:
        reasons.append(_("available now"))
    else:
        reasons.append(_("available later"))
    return reasons


def _rank(suggestion, community):
    suggestion.reasons = _reasons(suggestion, community)
    return suggestion


def _resources_with_areas():
    return Resource.objects.select_related("unit").prefetch_related(
        "districts",
        Prefetch("communities", queryset=Community.objects.only("id", "name", "district_id")),
    )


def _live_matches(**filters):
    return Match.objects.exclude(status=Match.Status.DECLINED).filter(**filters)


def suggest_resources(need, limit=SUGGESTIONS):
    """Resources for ``need``, best first. Only not-expired resources of active units that
    share the need's category or serve its community or district."""
    community = need.community
    on = today()
    candidates = (
        _resources_with_areas()
        .not_expired(on)
        .filter(
            Q(pk__in=Resource.objects.for_category(need.category).values("pk"))
            | Q(communities=community)
            | Q(districts=community.district_id)
        )
        .distinct()
    )
    paired_units = set(
        Pairing.objects.current(on)
        .filter(community=community, unit__isnull=False)
        .values_list("unit_id", flat=True)
    )
    matches = {m.resource_id: m for m in _live_matches(need=need)}
    ranked = []
    for resource in candidates:
        s = Suggestion(
            item=resource,
            same_category=need.category in resource.categories,
            area=_area(resource, community),
            paired=resource.unit_id in paired_units,
            available=resource.is_available(on),
            match=matches.get(resource.pk),
        )
        ranked.append(_rank(s, community))
    ranked.sort(key=lambda s: (s.key, -s.item.pk), reverse=True)
    return ranked[:limit]


def open_needs():
    return Need.objects.open().select_related("community__district")


def suggest_needs(resource, needs=None, limit=SUGGESTIONS):
    """Open needs ``resource`` could meet, best first. ``needs`` narrows the pool (a
    liaison's visible needs); the resource's areas must be prefetched or they are loaded."""
    on = today()
    community_ids = [c.pk for c in resource.communities.all()]
    district_ids = [d.pk for d in resource.districts.all()]
    pool = needs if needs is not None else open_needs()
    area = (
        Q(category__in=resource.categories)
        | Q(community_id__in=community_ids)
        | Q(community__district_id__in=district_ids)
    )
    candidates = pool.filter(area).select_related("community__district")
    paired = set(
        Pairing.objects.current(on)
        .filter(unit_id=resource.unit_id)
        .values_list("community_id", flat=True)
    )
    matches = {m.need_id: m for m in _live_matches(resource=resource)}
    available = resource.is_available(on)
    ranked = []
    for need in candidates[:MAX_NEEDS]:
        community = need.community
        if community.pk in community_ids:
            level = AREA_COMMUNITY
        elif community.district_id in district_ids:
            level = AREA_DISTRICT
        elif resource.serves_everywhere:
            level = AREA_TOWN
        else:
            level = AREA_NONE
        s = Suggestion(
            item=need,
            same_category=need.category in resource.categories,
            area=level,
            paired=community.pk in paired,
            available=available,
            match=matches.get(need.pk),
        )
        ranked.append(_rank(s, community))
    ranked.sort(key=lambda s: (s.key, s.item.submitted_at, s.item.pk), reverse=True)
    return ranked[:limit]
