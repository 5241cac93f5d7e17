"""The "1+5+N" structure drawn as a radial diagram, laid out on the server.

The council sits at the centre, the five districts around it, each district's
communities in its sector further out, and the member units with active pairings on
the outer ring, placed near the communities they pair with. Pairings are the lines.
The template turns this layout into SVG; no JavaScript is involved.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .models import Community, District, MemberUnit, Pairing

SIZE = 1000
CENTRE = SIZE / 2
DISTRICT_RADIUS = 175
COMMUNITY_RADIUS = 320
UNIT_RADIUS = 450


@dataclass
class Node:
    x: float
    y: float
    label: str
    angle: float = 0.0
    kind: str = ""
    count: int = 0
    pk: int = 0

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


def build_layout(with_health=False):
    """Four queries, whatever the size of the network.

    ``with_health`` (office staff only) also reads each pairing's last visit, in the same
    query, and marks every link with the pairing's health.
    """
    districts = list(District.objects.all())  # ordered by position
    communities = list(Community.objects.filter(is_active=True).order_by("district__position", "name"))
    fields = [
        "id", "mode", "community_id", "partner_community_id",
        "unit__id", "unit__name", "unit__category",
    ]
    pairings = Pairing.objects.filter(status=Pairing.Status.ACTIVE).select_related("unit")
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
    for district in districts:
        angle, left, right = arcs[district.pk]
        x, y = _polar(DISTRICT_RADIUS, angle)
        members = by_district.get(district.id, [])
        district_node = Node(x, y, district.name, angle, district.kind, count=len(members))
        district_node.pk = district.pk
        layout.districts.append(district_node)
        # Spread the communities over the district's arc, centred on the district.
        width = 0.9 * 2 * min(left, right) if len(members) < 4 else 0.9 * (left + right)
        centre = angle if len(members) < 4 else angle + (right - left) / 2
        step = width / max(len(members), 1)
        first = centre - width / 2 + step / 2
        for j, community in enumerate(members):
            c_angle = first + j * step
            cx, cy = _polar(COMMUNITY_RADIUS, c_angle)
            node = Node(cx, cy, community.name, c_angle, community.kind)
            community_nodes[community.id] = node
            layout.communities.append(node)
            layout.branches.append((district_node, node))

    # Units sit on the outer ring in the order of the communities they pair with,
    # so that most lines stay short.
    unit_angles = defaultdict(list)
    units = {}
    for pairing in pairings:
        if pairing.unit_id and pairing.community_id in community_nodes:
            unit_angles[pairing.unit_id].append(community_nodes[pairing.community_id].angle)
            units[pairing.unit_id] = pairing.unit
    ordered = sorted(units, key=lambda pk: sum(unit_angles[pk]) / len(unit_angles[pk]))
    unit_nodes = {}
    unit_step = 2 * math.pi / max(len(ordered), 1)
    start = min((sum(unit_angles[pk]) / len(unit_angles[pk]) for pk in ordered), default=0)
    for k, pk in enumerate(ordered):
        angle = start + k * unit_step
        x, y = _polar(UNIT_RADIUS, angle)
        unit = units[pk]
        node = Node(x, y, unit.name, angle, unit.category)
        unit_nodes[pk] = node
        layout.units.append(node)

    paired_with = defaultdict(list)
    mode_labels = dict(Pairing.Mode.choices)
    for pairing in pairings:
        a = community_nodes.get(pairing.community_id)
        if pairing.unit_id:
            b = unit_nodes.get(pairing.unit_id)
        else:
            b = community_nodes.get(pairing.partner_community_id)
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

    for district in districts:
        layout.tree.append(
            (district, [(c, paired_with.get(c.id, [])) for c in by_district.get(district.id, [])])
        )

    layout.counts = {
        "districts": len(districts),
        "communities": len(communities),
        "units": MemberUnit.objects.members().count(),
        "paired_units": len(units),
        "pairings": len(layout.links),
    }
    categories = dict(MemberUnit.Category.choices)
    drawn = {node.kind for node in layout.units}
    layout.unit_kinds = [(kind, categories[kind]) for kind in categories if kind in drawn]
    modes = Counter(p.mode for p in pairings)
    layout.mode_counts = [(mode, label, modes.get(mode, 0)) for mode, label in Pairing.Mode.choices]
    if with_health:
        healths = Counter(link.health for link in layout.links)
        layout.health_counts = [(h, label, healths.get(h, 0)) for h, label in Pairing.Health.choices]
    return layout
