import pytest
from django.urls import reverse

from tests.factories import CommunityFactory, DistrictFactory, PairingFactory
from tests.queries import assert_same_queries, get_queries
from core import pagecache
from units.models import Community, Pairing

pytestmark = pytest.mark.django_db

URL = reverse("units:community-list")


def _make(n, districts):
    Community.objects.bulk_create(
        Community(name=f"批量村居{i:04d}", kind="village", district=districts[i % len(districts)])
        for i in range(n)
    )


def test_it_does_not_query_more_with_more_communities(staff_client):
    districts = [DistrictFactory(name=n, position=i) for i, n in enumerate(["东片", "西片"])]
    _make(10, districts)
    PairingFactory(community=Community.objects.first())
    small = get_queries(staff_client, URL)
    Community.objects.bulk_create(
        Community(name=f"更多村居{i:04d}", kind="residential", district=districts[i % 2])
        for i in range(490)
    )
    pagecache.bump_version()  # bulk_create sends no signal: its caller bumps
    assert_same_queries(small, get_queries(staff_client, URL))


def test_it_groups_communities_by_district_with_pairing_counts(staff_client):
    east = DistrictFactory(name="东片", position=4)
    west = DistrictFactory(name="西片", position=5)
    wanlian = CommunityFactory(name="万联村", district=east)
    wulong = CommunityFactory(name="五龙村", district=west)
    PairingFactory(community=wanlian)
    PairingFactory(community=wanlian)
    Pairing.objects.create(
        community=CommunityFactory(district=east), partner_community=wanlian,
        mode=Pairing.Mode.VILLAGE_COMMUNITY,
    )
    body = staff_client.get(URL).content.decode()
    assert body.index("东片") < body.index("万联村") < body.index("西片") < body.index("五龙村")
    row = body[body.index("万联村"):body.index("</tr>", body.index("万联村"))]
    assert "<td>3</td>" in row


def test_it_shows_a_page_of_communities_at_a_time_with_each_districts_full_count(staff_client):
    from units.views import COMMUNITIES_PER_PAGE

    east = DistrictFactory(name="东片", position=1)
    _make(COMMUNITIES_PER_PAGE * 2 + 3, [east])
    first = staff_client.get(URL)
    assert len(first.context["page"].object_list) == COMMUNITIES_PER_PAGE
    body = first.content.decode()
    assert "批量村居0000" in body and f"批量村居{COMMUNITIES_PER_PAGE:04d}" not in body
    assert f"{COMMUNITIES_PER_PAGE * 2 + 3} 个村居" in body  # the district's, not the page's
    assert "第 1 / 3 页" in body
    last = staff_client.get(URL, {"page": 3}).content.decode()
    assert f"批量村居{COMMUNITIES_PER_PAGE * 2 + 2:04d}" in last and "批量村居0000" not in last
