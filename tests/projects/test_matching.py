"""Ranking for two-way matching: the order on a small fixed set, its reasons, and a query
count that does not grow with the number of needs or resources."""

import datetime

import pytest
from django.urls import reverse

from projects import matching
from projects.models import Need
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MatchFactory,
    MemberUnitFactory,
    NeedFactory,
    PairingFactory,
    ResourceFactory,
)
from tests.queries import assert_same_queries, get_queries

pytestmark = pytest.mark.django_db

LATER = datetime.date(2099, 1, 1)


@pytest.fixture
def place():
    district = DistrictFactory(name="测试城南")
    community = CommunityFactory(name="测试南圩", district=district)
    neighbour = CommunityFactory(name="测试邻村", district=district)
    elsewhere = CommunityFactory(name="测试远村", district=DistrictFactory(name="测试西片"))
    return {
        "district": district,
        "community": community,
        "neighbour": neighbour,
        "elsewhere": elsewhere,
    }


def test_it_ranks_resources_for_a_need_category_then_area_then_pairing_then_availability(place):
    community = place["community"]
    need = NeedFactory(community=community, category="service_support")
    paired_unit = MemberUnitFactory(name="测试结对单位")
    PairingFactory(community=community, unit=paired_unit)
    r = {}
    r["other_category_here"] = ResourceFactory(
        title="别的类别本社区", categories=["culture"], communities=[community]
    )
    r["town"] = ResourceFactory(title="全镇", categories=["service_support"])
    r["district"] = ResourceFactory(
        title="本片区", categories=["service_support"], districts=[place["district"]]
    )
    r["community"] = ResourceFactory(
        title="本社区", categories=["service_support"], communities=[community]
    )
    r["community_paired"] = ResourceFactory(
        title="本社区结对单位",
        unit=paired_unit,
        categories=["service_support"],
        communities=[community],
    )
    r["community_paired_later"] = ResourceFactory(
        title="本社区结对单位以后",
        unit=paired_unit,
        categories=["service_support"],
        communities=[community],
        available_from=LATER,
    )
    ResourceFactory(title="别处", categories=["service_support"], districts=[DistrictFactory()])
    ResourceFactory(title="别处别类", categories=["culture"], communities=[place["elsewhere"]])
    ResourceFactory(
        title="已停用", categories=["service_support"], is_active=False, communities=[community]
    )
    ResourceFactory(
        title="已过期",
        categories=["service_support"],
        available_until=datetime.date(2020, 1, 1),
        communities=[community],
    )

    titles = [s.item.title for s in matching.suggest_resources(need)]

    assert titles == [
        "本社区结对单位",
        "本社区结对单位以后",
        "本社区",
        "本片区",
        "全镇",
        "别处",
        "别的类别本社区",
    ]


def test_it_says_why_each_resource_is_suggested(place):
    community = place["community"]
    unit = MemberUnitFactory()
    PairingFactory(community=community, unit=unit)
    need = NeedFactory(community=community, category="care_aid")
    ResourceFactory(unit=unit, categories=["care_aid"], communities=[community])
    (suggestion,) = matching.suggest_resources(need)
    assert [str(r) for r in suggestion.reasons] == [
        "同类别",
        "服务测试南圩",
        "已与测试南圩结对",
        "现在可用",
    ]


def test_it_ranks_open_needs_for_a_resource_the_same_way(place):
    unit = MemberUnitFactory()
    PairingFactory(community=place["neighbour"], unit=unit)
    resource = ResourceFactory(
        unit=unit,
        categories=["culture"],
        communities=[place["community"]],
        districts=[place["district"]],
    )
    NeedFactory(text="本社区同类", community=place["community"], category="culture")
    NeedFactory(text="结对邻村同类", community=place["neighbour"], category="culture")
    NeedFactory(text="远村同类", community=place["elsewhere"], category="culture")
    NeedFactory(text="本社区别类", community=place["community"], category="care_aid")
    NeedFactory(text="远村别类", community=place["elsewhere"], category="care_aid")
    NeedFactory(
        text="已婉拒",
        community=place["community"],
        category="culture",
        status=Need.Status.DECLINED,
        reply="不做",
    )

    texts = [s.item.text for s in matching.suggest_needs(resource)]

    assert texts == ["本社区同类", "结对邻村同类", "远村同类", "本社区别类"]


def test_it_marks_a_suggestion_already_proposed(place):
    need = NeedFactory(community=place["community"])
    resource = ResourceFactory(categories=[need.category])
    MatchFactory(need=need, resource=resource)
    (suggestion,) = matching.suggest_resources(need)
    assert suggestion.match is not None


def _resources(place, n):
    for i in range(n):
        unit = MemberUnitFactory()
        PairingFactory(community=place["community"], unit=unit) if i % 2 else None
        ResourceFactory(
            unit=unit,
            categories=["care_aid", "culture"],
            communities=[place["community"], place["neighbour"]],
            districts=[place["district"]],
        )


def test_the_need_page_runs_the_same_number_of_queries_with_more_resources(staff_client, place):
    need = NeedFactory(community=place["community"], category="care_aid")
    url = reverse("projects:need-detail", args=[need.pk])
    _resources(place, 2)
    MatchFactory(need=need)
    small = get_queries(staff_client, url)
    _resources(place, 25)
    MatchFactory(need=need)
    large = get_queries(staff_client, url)
    assert_same_queries(small, large)


def test_the_resource_page_runs_the_same_number_of_queries_with_more_needs(staff_client, place):
    resource = ResourceFactory(categories=["care_aid"], communities=[place["community"]])
    url = reverse("projects:resource-needs", args=[resource.pk])
    for _ in range(2):
        NeedFactory(community=place["community"], category="care_aid")
    small = get_queries(staff_client, url)
    for i in range(25):
        need = NeedFactory(community=place["neighbour"] if i % 2 else place["community"])
        if i % 5 == 0:
            MatchFactory(need=need, resource=resource)
    large = get_queries(staff_client, url)
    assert_same_queries(small, large)


def test_the_liaisons_need_list_runs_the_same_number_of_queries_with_more_needs(
    liaison_client, unit_a, place
):
    PairingFactory(community=place["community"], unit=unit_a)
    resource = ResourceFactory(unit=unit_a)
    NeedFactory(community=place["community"])
    small = get_queries(liaison_client, reverse("projects:my-needs"))
    for i in range(15):
        need = NeedFactory(community=place["community"])
        if i % 3 == 0:
            MatchFactory(need=need, resource=resource)
    large = get_queries(liaison_client, reverse("projects:my-needs"))
    assert_same_queries(small, large)
