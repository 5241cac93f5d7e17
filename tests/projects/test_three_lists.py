"""三张清单 per district: counts of the three lists and the open matches."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MatchFactory,
    NeedFactory,
    ProjectFactory,
    ResourceFactory,
)
from tests.queries import assert_same_queries, get_queries

pytestmark = pytest.mark.django_db


def test_it_counts_each_list_per_district(staff_client):
    from projects.lists import three_lists

    east, west = DistrictFactory(name="测试东片"), DistrictFactory(name="测试西片")
    village = CommunityFactory(district=east)
    NeedFactory(community=village)
    NeedFactory(community=village, status="declined", reply="不做")
    ResourceFactory(districts=[east])
    ResourceFactory(communities=[village], districts=[east])  # counted once
    ResourceFactory()  # the whole town: both districts
    ResourceFactory(is_active=False)
    year = timezone.localdate().year
    ProjectFactory(community=village, year=year)
    ProjectFactory(community=village, year=year, status=Project.Status.CANCELLED)
    ProjectFactory(community=village, year=year - 1)
    match = MatchFactory(need=NeedFactory(community=village))

    rows = {r["district"].name: r for r in three_lists(timezone.localdate())["rows"]}

    assert (
        rows["测试东片"]["needs"],
        rows["测试东片"]["resources"],
        rows["测试东片"]["projects"],
    ) == (2, 4, 1)  # the match's own resource serves the whole town too
    assert (
        rows["测试西片"]["needs"],
        rows["测试西片"]["resources"],
        rows["测试西片"]["projects"],
    ) == (0, 2, 0)
    assert rows["测试东片"]["matches"] == [match]
    html = staff_client.get(reverse("projects:three-lists")).content.decode()
    assert "测试东片" in html and match.resource.title in html


def _grow(n):
    district = DistrictFactory()
    village = CommunityFactory(district=district)
    for _ in range(n):
        NeedFactory(community=village)
        ResourceFactory(districts=[district], communities=[village])
        ProjectFactory(community=village, year=timezone.localdate().year)
        MatchFactory(need=NeedFactory(community=village))


def test_it_loads_the_lists_in_the_same_number_of_queries_at_two_sizes(staff_client):
    _grow(1)
    small = get_queries(staff_client, reverse("projects:three-lists"))
    _grow(12)
    large = get_queries(staff_client, reverse("projects:three-lists"))
    assert_same_queries(small, large)


def test_its_counts_lead_to_the_lists_and_done_matches_are_not_pending(staff_client, staff):
    from projects import actions

    east = DistrictFactory(name="测试东片")
    village = CommunityFactory(district=east)
    waiting = MatchFactory(need=NeedFactory(community=village))
    gone = MatchFactory(need=NeedFactory(community=village, status="declined", reply="不做"))
    done = MatchFactory(need=NeedFactory(community=village))
    actions.accept_match(done, by=staff)
    project = actions.open_project_from_match(done, by=staff)
    project.status = Project.Status.IN_PROGRESS
    project.save()
    to_open = MatchFactory(need=NeedFactory(community=village))
    actions.accept_match(to_open, by=staff)

    html = staff_client.get(reverse("projects:three-lists")).content.decode()
    assert f'href="/office/needs/?district={east.pk}"' in html
    assert f'href="/office/resources/?district={east.pk}"' in html
    assert f'href="/projects/?district={east.pk}&amp;year={timezone.localdate().year}"' in html
    for match, shown in [(waiting, True), (gone, False), (done, False), (to_open, True)]:
        assert (f'href="/office/needs/{match.need_id}/"' in html) is shown, match
    assert "已对接，待立项" in html and "待确认" in html
    # The needs count's link lists that district's needs.
    inbox = staff_client.get(f"/office/needs/?district={east.pk}")
    assert {n.community_id for n in inbox.context["page"].object_list} == {village.pk}
