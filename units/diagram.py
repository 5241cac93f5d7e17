"""The "1+5+N" structure drawn as a radial diagram, laid out on the server.

Two drawings, each bounded whatever the network's size:

- the whole network as a summary (``build_summary``): the council at the centre, the
  districts around it, each with its counts (communities, pairings, paired units), read
  with a few aggregate queries; no community or unit is drawn;
- one district (``build_layout(district=...)``): the district at the centre, its
  communities around it, and the member units (and partner communities of other
  districts) with active pairings on the outer ring, placed near the communities they pair
  with. Pairings are the lines.

The template turns the layout into SVG; no JavaScript is involved.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from .models import Community, District, MemberUnit, Pairing

SIZE = 1000
CENTRE = SIZE / 2
DISTRICT_RADIUS = 175
COMMUNITY_RADIUS = 320
UNIT_RADIUS = 450
#: The summary draws the districts alone, further out, with room for their counts.
SUMMARY_RADIUS = 300


@dataclass
class Node:
    x: float
    y: float
    label: str
    angle: float = 0.0
    kind: str = ""
    count: int = 0
    pk: int = 0
    pairings: int = 0
    #: On the outer ring (a partner community of another district): drawn without a label,
    #: named in its circle's title and in the list.
    outer: bool = False

    @property
    def label_rotation(self):
        """Rotate a label along its radius, keeping it upright on the left half."""
        degrees = math.degrees(self.angle)
        return degrees + 180 if 90 < degrees % 360 < 270 else degrees

    @property
    def label_anchor(self):
        degrees = math.degrees(self.angle) % 360
        return "end" if 90 < degrees < 270 else "start"


@dataclass
class Link:
    path: str
    mode: str
    title: str
    #: The pairing's health (``Pairing.Health``) when the layout was built with health.
    health: str = ""
    health_label: str = ""


@dataclass
class Layout:
    size: int = SIZE
    centre: float = CENTRE
    districts: list = field(default_factory=list)
    communities: list = field(default_factory=list)
    units: list = field(default_factory=list)
    links: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    mode_counts: list = field(default_factory=list)
    #: The same network as text: [(district, [(community, [(counterpart, mode label, link)])])].
    tree: list = field(default_factory=list)
    #: Links coloured by pairing health (office staff only); counts per health for the legend.
    with_health: bool = False
    health_counts: list = field(default_factory=list)
    #: (district node, community node): the lines from each district to its communities.
    branches: list = field(default_factory=list)
    #: Unit categories drawn, for the legend: [(category, label)].
    unit_kinds: list = field(default_factory=list)
    #: The district drawn (its node at the centre), or None for the whole network's summary.
    focus: Node | None = None
    #: The summary's table: [(district node, communities, pairings, paired units)].
    district_rows: list = field(default_factory=list)


#: Where each district lies from the town centre (degrees; 0 = east, 90 = south, as in
#: SVG). The three urban districts sit where their names say; the rural east and west
#: areas flank the north. A district not listed here takes an even share of what is left.
COMPASS = {"城东": 0, "城南": 90, "城西": 180, "西片": -135, "东片": -45}


def _district_angles(districts):
    """Each district's angle and the arc its communities spread over (to the midpoints
    between it and its neighbours)."""
    placed = {d.pk: math.radians(COMPASS[d.name]) for d in districts if d.name in COMPASS}
    others = [d for d in districts if d.pk not in placed]
    if others:
        step = 2 * math.pi / len(districts)
        for i, d in enumerate(others):
            placed[d.pk] = -math.pi / 2 + (len(placed) + i) * step
    order = sorted(placed.items(), key=lambda item: item[1])
    arcs = {}
    for i, (pk, angle) in enumerate(order):
        before = order[i - 1][1] - (2 * math.pi if i == 0 else 0)
        after = order[(i + 1) % len(order)][1] + (2 * math.pi if i == len(order) - 1 else 0)
        if len(order) == 1:
            before, after = angle - math.pi, angle + math.pi
        arcs[pk] = (angle, (angle - before) / 2, (after - angle) / 2)
    return arcs


def _polar(radius, angle):
    return CENTRE + radius * math.cos(angle), CENTRE + radius * math.sin(angle)


def _curve(a, b, pull=0.35):
    """A quadratic curve from a to b bending towards the centre."""
    mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
    cx, cy = mx + (CENTRE - mx) * pull, my + (CENTRE - my) * pull
    return f"M{a.x:.1f},{a.y:.1f} Q{cx:.1f},{cy:.1f} {b.x:.1f},{b.y:.1f}"


def _counterpart_kind(pairing, node):
    """The CSS class naming what the other side of a pairing is (unit category or community kind)."""
    return f"unit-{node.kind}" if pairing.unit_id else f"community-{node.kind}"


def _district_nodes(districts, community_counts, radius=DISTRICT_RADIUS):
    arcs = _district_angles(districts)
    nodes = []
    for district in districts:
        angle = arcs[district.pk][0]
        x, y = _polar(radius, angle)
        node = Node(x, y, district.name, angle, district.kind, count=community_counts.get(district.pk, 0))
        node.pk = district.pk
        nodes.append(node)
    return nodes


def _community_counts():
    rows = Community.objects.filter(is_active=True).values("district").annotate(n=Count("id"))
    return {row["district"]: row["n"] for row in rows.order_by()}


def _totals(layout, active_pairings):
    modes = dict(
        active_pairings.values_list("mode").annotate(n=Count("id")).order_by().values_list("mode", "n")
    )
    layout.mode_counts = [(mode, label, modes.get(mode, 0)) for mode, label in Pairing.Mode.choices]
    totals = active_pairings.aggregate(
        pairings=Count("id"), paired_units=Count("unit", distinct=True)
    )
    layout.counts = {
        "districts": len(layout.districts),
        "communities": sum(node.count for node in layout.districts),
        "units": MemberUnit.objects.members().count(),
        **totals,
    }


def build_summary():
    """The whole network as counts: districts around the council, a few aggregate queries."""
    districts = list(District.objects.all())  # ordered by position
    layout = Layout(districts=_district_nodes(districts, _community_counts(), SUMMARY_RADIUS))
    active = Pairing.objects.filter(status=Pairing.Status.ACTIVE)
    per_district = {
        row["community__district"]: row
        for row in active.values("community__district")
        .annotate(pairings=Count("id"), units=Count("unit", distinct=True))
        .order_by()
    }
    for node in layout.districts:
        row = per_district.get(node.pk, {})
        node.pairings = row.get("pairings", 0)
        layout.district_rows.append((node, node.count, row.get("pairings", 0), row.get("units", 0)))
    layout.tree = [(district, []) for district in districts]
    _totals(layout, active)
    return layout


def build_layout(with_health=False, district=None):
    """One district's drawing, in a fixed number of queries whatever its size (or, with no
    ``district``, every district's: tests and small networks).

    ``with_health`` (office staff only) also reads each pairing's last visit, in the same
    query, and marks every link with the pairing's health.
    """
    all_districts = list(District.objects.all())  # ordered by position
    districts = [d for d in all_districts if district is None or d.pk == district.pk]
    communities = Community.objects.filter(is_active=True).select_related("district")
    fields = [
        "id", "mode", "community_id", "partner_community_id",
        "unit__id", "unit__name", "unit__category",
        "community__id", "community__name", "community__kind",
        "partner_community__id", "partner_community__name", "partner_community__kind",
    ]
    pairings = Pairing.objects.filter(status=Pairing.Status.ACTIVE).select_related(
        "unit", "community", "partner_community"
    )
    if district is not None:
        communities = communities.filter(district=district)
        pairings = pairings.filter(
            Q(community__district=district) | Q(partner_community__district=district)
        )
    communities = list(communities.order_by("district__position", "name"))
    if with_health:
        fields += ["started_on", "visit_cadence_days"]
        pairings = pairings.with_last_visit()
    pairings = list(pairings.only(*fields).order_by("id"))

    layout = Layout(with_health=with_health)
    by_district = defaultdict(list)
    for community in communities:
        by_district[community.district_id].append(community)

    arcs = _district_angles(districts)
    community_nodes = {}
    for d in districts:
        angle, left, right = arcs[d.pk]
        x, y = (CENTRE, CENTRE) if district is not None else _polar(DISTRICT_RADIUS, angle)
        members = by_district.get(d.id, [])
        district_node = Node(x, y, d.name, angle, d.kind, count=len(members))
        district_node.pk = d.pk
        layout.districts.append(district_node)
        # Spread the communities over the district's arc, centred on the district.
        width = 0.9 * 2 * min(left, right) if len(members) < 4 else 0.9 * (left + right)
        centre = angle if len(members) < 4 else angle + (right - left) / 2
        if district is not None:  # the district alone, at the centre: the whole circle
            width, centre = 2 * math.pi * (1 - 1 / max(len(members), 1)), angle
        step = width / max(len(members), 1)
        first = centre - width / 2 + step / 2
        for j, community in enumerate(members):
            c_angle = first + j * step
            cx, cy = _polar(COMMUNITY_RADIUS, c_angle)
            node = Node(cx, cy, community.name, c_angle, community.kind)
            community_nodes[community.id] = node
            layout.communities.append(node)
            layout.branches.append((district_node, node))
    if district is not None:
        layout.focus = layout.districts[0] if layout.districts else None
        counts = _community_counts()
        layout.districts = _district_nodes(all_districts, counts)  # for the picker

    # The outer ring: member units, and partner communities of other districts, in the
    # order of the communities they pair with, so that most lines stay short.
    outer_angles = defaultdict(list)
    outer = {}
    for pairing in pairings:
        here = community_nodes.get(pairing.community_id)
        if pairing.unit_id:
            if here:
                outer_angles["u", pairing.unit_id].append(here.angle)
                outer["u", pairing.unit_id] = (pairing.unit.name, pairing.unit.category)
            continue
        partner = community_nodes.get(pairing.partner_community_id)
        if here and not partner:
            other = pairing.partner_community
            outer_angles["c", other.pk].append(here.angle)
            outer["c", other.pk] = (other.name, other.kind)
        elif partner and not here:
            other = pairing.community
            outer_angles["c", other.pk].append(partner.angle)
            outer["c", other.pk] = (other.name, other.kind)
    ordered = sorted(outer, key=lambda key: sum(outer_angles[key]) / len(outer_angles[key]))
    outer_nodes = {}
    step = 2 * math.pi / max(len(ordered), 1)
    start = min((sum(outer_angles[key]) / len(outer_angles[key]) for key in ordered), default=0)
    for k, key in enumerate(ordered):
        angle = start + k * step
        x, y = _polar(UNIT_RADIUS, angle)
        label, kind = outer[key]
        node = Node(x, y, label, angle, kind, outer=key[0] == "c")
        outer_nodes[key] = node
        if key[0] == "u":
            layout.units.append(node)
        else:
            layout.communities.append(node)

    paired_with = defaultdict(list)
    mode_labels = dict(Pairing.Mode.choices)
    for pairing in pairings:
        a = community_nodes.get(pairing.community_id) or outer_nodes.get(("c", pairing.community_id))
        if pairing.unit_id:
            b = outer_nodes.get(("u", pairing.unit_id))
        else:
            b = community_nodes.get(pairing.partner_community_id) or outer_nodes.get(
                ("c", pairing.partner_community_id)
            )
        if a is None or b is None:
            continue
        pull = 0.6 if pairing.partner_community_id else 0.15
        link = Link(_curve(a, b, pull), pairing.mode, f"{a.label} – {b.label}")
        if with_health:
            link.health, link.health_label = pairing.health, pairing.get_health_display()
            link.title = f"{link.title} · {link.health_label}"
        layout.links.append(link)
        a.count += 1
        b.count += 1
        paired_with[pairing.community_id].append(
            (b.label, mode_labels[pairing.mode], link, _counterpart_kind(pairing, b))
        )
        if pairing.partner_community_id:
            paired_with[pairing.partner_community_id].append(
                (a.label, mode_labels[pairing.mode], link, "community-" + a.kind)
            )

    for d in districts:
        layout.tree.append(
            (d, [(c, paired_with.get(c.id, [])) for c in by_district.get(d.id, [])])
        )

    categories = dict(MemberUnit.Category.choices)
    drawn = {node.kind for node in layout.units}
    layout.unit_kinds = [(kind, categories[kind]) for kind in categories if kind in drawn]
    modes = Counter(p.mode for p in pairings)
    layout.mode_counts = [(mode, label, modes.get(mode, 0)) for mode, label in Pairing.Mode.choices]
    layout.counts = {
        "districts": len(districts),
        "communities": len(communities),
        "units": len(layout.units),
        "paired_units": len(layout.units),
        "pairings": len(layout.links),
    }
    if with_health:
        healths = Counter(link.health for link in layout.links)
        layout.health_counts = [(h, label, healths.get(h, 0)) for h, label in Pairing.Health.choices]
    return layout
