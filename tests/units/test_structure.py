import pytest
from django.urls import reverse

from tests.factories import CommunityFactory, DistrictFactory, MemberUnitFactory, PairingFactory
from units import diagram
from units.models import District, Pairing

pytestmark = pytest.mark.django_db


def _network(n_communities):
    districts = [
        DistrictFactory(name=name, kind=kind, position=i)
        for i, (name, kind) in enumerate(
            [("城南", "community"), ("城东", "community"), ("城西", "community"),
             ("东片", "rural"), ("西片", "rural")]
        )
    ]
    communities = [
        CommunityFactory(district=districts[i % 5], name=f"结构村{i}") for i in range(n_communities)
    ]
    for i, community in enumerate(communities):
        PairingFactory(community=community, unit=MemberUnitFactory(name=f"结构单位{i}"))
    return districts, communities


def test_it_draws_the_whole_network_as_districts_with_their_counts(anon):
    districts, communities = _network(6)
    PairingFactory(
        community=communities[0], unit=None, partner_community=communities[1],
        mode=Pairing.Mode.VILLAGE_COMMUNITY,
    )
    response = anon.get(reverse("units:structure"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html
    assert "联席会议" in html
    for name in ["城南", "城东", "城西", "东片", "西片"]:
        assert name in html
    # A summary, not every node: no community, unit or pairing line is drawn.
    assert "结构村0" not in html and "结构单位5" not in html
    assert html.count("<path d=") == 0
    layout = response.context["layout"]
    assert layout.counts["pairings"] == 7
    assert layout.counts["communities"] == 6
    rows = {node.label: (c, p, u) for node, c, p, u in layout.district_rows}
    assert rows["城南"] == (2, 3, 2)  # 结构村0 (with the partner link) and 结构村5
    assert rows["东片"] == (1, 1, 1)


def test_a_district_draws_its_communities_units_and_links(anon):
    districts, communities = _network(6)
    PairingFactory(
        community=communities[0], unit=None, partner_community=communities[1],
        mode=Pairing.Mode.VILLAGE_COMMUNITY,
    )
    response = anon.get(reverse("units:structure"), {"district": districts[0].pk})
    html = response.content.decode()
    for name in ["结构村0", "结构村5", "结构单位0", "结构单位5", "结构村1"]:
        assert name in html
    assert "结构单位1" not in html  # paired in another district
    # 结构村0 and 结构村5 with their units, and 结构村0's partner of 城东 on the outer ring.
    assert html.count("<path d=") == 3
    assert 'class="link link-village_community"' in html
    assert response.context["layout"].counts["pairings"] == 3


def test_it_leaves_out_ended_pairings(anon):
    districts, communities = _network(2)
    Pairing.objects.filter(community=communities[0]).update(status=Pairing.Status.ENDED)
    layout = anon.get(reverse("units:structure")).context["layout"]
    assert layout.counts["pairings"] == 1
    zoomed = anon.get(reverse("units:structure"), {"district": districts[0].pk})
    layout = zoomed.context["layout"]
    assert layout.counts["pairings"] == 0
    assert "结构单位0" not in [u.label for u in layout.units]


def test_it_shows_no_personal_data(anon):
    _network(3)
    html = anon.get(reverse("units:structure")).content.decode()
    assert "1390000" not in html
    assert "example.test" not in html
    assert "张联络" not in html


@pytest.mark.parametrize("size", [5, 60])
def test_its_query_count_does_not_grow_with_the_network(anon, size, django_assert_num_queries):
    districts, _ = _network(size)
    # Session/auth queries are absent for anonymous visitors: the pages' data version,
    # then districts, communities per district, pairings per district, modes, totals and
    # active units; and the councils, read once per data version.
    with django_assert_num_queries(8):
        anon.get(reverse("units:structure"))
    # A district: the district, every district, its communities, its pairings, the
    # communities per district (for the picker).
    with django_assert_num_queries(6):
        anon.get(reverse("units:structure"), {"district": districts[0].pk})


@pytest.mark.parametrize("size", [5, 60])
def test_the_summary_does_not_grow_with_the_network(anon, size):
    _network(size)
    html = anon.get(reverse("units:structure")).content.decode()
    assert html.count("<circle") < 20
    assert "结构村" not in html


def test_it_keeps_every_node_inside_the_picture(anon):
    districts, _ = _network(45)
    layout = anon.get(reverse("units:structure")).context["layout"]
    for node in layout.districts:
        assert 0 < node.x < layout.size and 0 < node.y < layout.size
    layout = anon.get(reverse("units:structure"), {"district": districts[0].pk}).context["layout"]
    assert len(layout.communities) == 9 and len(layout.units) == 9
    for node in [layout.focus, *layout.communities, *layout.units]:
        assert 0 < node.x < layout.size and 0 < node.y < layout.size
    assert len(District.objects.all()) == 5


def test_it_places_the_districts_by_compass_and_joins_them_to_their_communities(anon):
    south, east = DistrictFactory(name="城南"), DistrictFactory(name="城东")
    CommunityFactory(district=south)
    CommunityFactory(district=east)
    layout = diagram.build_layout()
    nodes = {d.label: d for d in layout.districts}
    assert nodes["城南"].y > diagram.CENTRE + 100  # below the council: south
    assert nodes["城东"].x > diagram.CENTRE + 100  # right of it: east
    assert len(layout.branches) == 2


def test_it_zooms_into_a_district_with_its_units_named(anon, unit_a):
    pairing = PairingFactory(unit=unit_a)
    district = pairing.community.district
    html = anon.get(reverse("units:structure"), {"district": district.pk}).content.decode()
    zoom = html[html.index('id="zoom"'):html.index("</section>", html.index('id="zoom"'))]
    assert pairing.community.name in zoom and unit_a.name in zoom


def test_its_legend_explains_every_unit_colour_and_line(anon, unit_a, unit_b):
    pairing = PairingFactory(unit=unit_a)
    PairingFactory(unit=unit_b, community=pairing.community)
    district = pairing.community.district_id
    html = anon.get(reverse("units:structure"), {"district": district}).content.decode()
    legend = html[html.index('class="legend"'):]
    for text in ["市、区级机关", "辖区单位", "片区—村居", "农村片区"]:
        assert text in legend, text
    summary = anon.get(reverse("units:structure")).content.decode()
    assert "联席会议—片区" in summary[summary.index('class="legend"'):]


def test_the_district_zoom_survives_the_public_page_cache(anon, settings, unit_a):
    settings.PUBLIC_PAGE_CACHE = True
    pairing = PairingFactory(unit=unit_a)
    url = reverse("units:structure") + f"?district={pairing.community.district_id}"
    response = anon.get(url)
    assert response.status_code == 200 and 'id="zoom"' in response.content.decode()
    assert anon.get(url).status_code == 200


def test_the_district_view_does_not_repeat_every_district(anon):
    districts, _ = _network(10)
    whole = anon.get(reverse("units:structure")).content.decode()
    assert 'id="tree-title"' in whole
    zoomed = anon.get(reverse("units:structure"), {"district": districts[0].pk}).content.decode()
    assert 'id="zoom"' in zoomed and 'id="tree-title"' not in zoomed


@pytest.mark.browser
def test_the_diagram_labels_are_readable_on_a_phone(phone_page):
    _network(45)
    page = phone_page
    assert page.goto("/structure/").status == 200
    heights = page.eval_on_selector_all(
        ".structure-svg .district-label", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert len(heights) == 5 and min(heights) >= 11, heights
    visible = page.eval_on_selector_all(
        ".structure-svg text",
        "els => els.filter(e => e.getBoundingClientRect().height > 0)"
        ".map(e => e.getBoundingClientRect().height)",
    )
    assert all(h >= 11 for h in visible), visible
    page.locator("figure.diagram").screenshot(path="test-artifacts/structure-diagram-375.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.errors == []
