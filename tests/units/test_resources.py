"""The resource list (资源清单): who may add and edit what, and what the public sees."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MemberUnitFactory,
    ResourceFactory,
)
from tests.queries import assert_same_queries, get_queries
from units.models import Resource

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "kind": "venue",
        "title": "党员活动室",
        "description": "可容纳50人",
        "categories": ["culture", "convenience"],
        "quantity": "80",
        "measure": "square_metres",
        "available_from": "",
        "available_until": "",
    }
    data.update(overrides)
    return data


def test_it_adds_a_resource_to_the_liaisons_own_unit(liaison_client, unit_a, unit_b):
    response = liaison_client.post(reverse("units:resource-create"), _form(unit=unit_b.pk))
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.unit == unit_a  # a "unit" field in the post is ignored
    assert resource.categories == ["convenience", "culture"]  # the list's order


def test_it_refuses_a_resource_without_a_category_in_chinese(liaison_client):
    response = liaison_client.post(reverse("units:resource-create"), _form(categories=[]))
    assert response.status_code == 400
    assert "请至少选择一个类别" in response.content.decode()
    assert not Resource.objects.exists()


def test_it_refuses_an_end_date_before_the_start(liaison_client):
    response = liaison_client.post(
        reverse("units:resource-create"),
        _form(available_from="2026-05-01", available_until="2026-04-01"),
    )
    assert response.status_code == 400
    assert not Resource.objects.exists()


def test_it_lets_a_liaison_edit_only_their_own_units_resources(
    liaison_client, other_liaison_client, unit_a
):
    resource = ResourceFactory(unit=unit_a, title="原标题")
    url = reverse("units:resource-edit", args=[resource.pk])
    assert other_liaison_client.get(url).status_code == 404
    assert other_liaison_client.post(url, _form(title="被改了")).status_code == 404
    resource.refresh_from_db()
    assert resource.title == "原标题"
    assert liaison_client.post(url, _form(title="新标题", is_active="on")).status_code == 302
    resource.refresh_from_db()
    assert resource.title == "新标题"


def test_it_switches_a_resource_off_instead_of_deleting_it(liaison_client, unit_a):
    resource = ResourceFactory(unit=unit_a)
    url = reverse("units:resource-edit", args=[resource.pk])
    liaison_client.post(url, _form())  # is_active unticked
    resource.refresh_from_db()
    assert resource.is_active is False
    assert Resource.objects.filter(pk=resource.pk).exists()


def test_it_lets_office_staff_add_a_resource_for_any_unit(staff_client, unit_b):
    response = staff_client.post(reverse("units:office-resource-create"), _form(unit=unit_b.pk))
    assert response.status_code == 302
    assert Resource.objects.get().unit == unit_b


def test_it_shows_the_unit_but_no_persons_contact_on_the_public_board(anon, unit_a):
    ResourceFactory(unit=unit_a, title="法律咨询")
    html = anon.get(reverse("units:resource-board")).content.decode()
    assert "法律咨询" in html
    assert unit_a.name in html
    for private in [unit_a.liaison_name, unit_a.liaison_phone, unit_a.liaison_email]:
        assert private and private not in html


def test_it_hides_switched_off_and_expired_resources_from_the_public_board(anon, unit_a):
    ResourceFactory(unit=unit_a, title="还在提供")
    ResourceFactory(unit=unit_a, title="已停用", is_active=False)
    ResourceFactory(unit=unit_a, title="已过期", available_until=datetime.date(2020, 1, 1))
    html = anon.get(reverse("units:resource-board")).content.decode()
    assert "还在提供" in html
    assert "已停用" not in html and "已过期" not in html


def test_it_filters_the_board_by_category_and_district(anon):
    east, west = DistrictFactory(name="测试东片"), DistrictFactory(name="测试西片")
    village = CommunityFactory(district=east)
    ResourceFactory(title="全镇文化", categories=["culture"])
    ResourceFactory(title="东片文化", categories=["culture"], districts=[east])
    ResourceFactory(title="村里文化", categories=["culture"], communities=[village])
    ResourceFactory(title="西片文化", categories=["culture"], districts=[west])
    ResourceFactory(title="东片帮扶", categories=["care_aid"], districts=[east])
    html = anon.get(
        reverse("units:resource-board"), {"category": "culture", "district": east.pk}
    ).content.decode()
    for title in ["全镇文化", "东片文化", "村里文化"]:
        assert title in html
    assert "西片文化" not in html and "东片帮扶" not in html


def _board_resources(n):
    district = DistrictFactory()
    community = CommunityFactory(district=district)
    for _ in range(n):
        ResourceFactory(unit=MemberUnitFactory(), districts=[district], communities=[community])


@pytest.mark.parametrize("url", ["units:resource-board", "units:office-resources"])
def test_it_loads_a_resource_list_in_the_same_number_of_queries_at_two_sizes(staff_client, url):
    _board_resources(2)
    small = get_queries(staff_client, reverse(url))
    _board_resources(20)
    large = get_queries(staff_client, reverse(url))
    assert_same_queries(small, large)


def test_it_loads_my_resources_in_the_same_number_of_queries_at_two_sizes(liaison_client, unit_a):
    ResourceFactory(unit=unit_a)
    small = get_queries(liaison_client, reverse("units:my-resources"))
    for _ in range(10):
        ResourceFactory(unit=unit_a, districts=[DistrictFactory()])
    large = get_queries(liaison_client, reverse("units:my-resources"))
    assert_same_queries(small, large)


def test_it_caches_the_filtered_board_for_residents_and_drops_unknown_parameters(settings):
    from core import pagecache

    settings.PUBLIC_PAGE_CACHE = True
    pagecache.bump_version()
    ResourceFactory(title="文化资源", categories=["culture"])
    ResourceFactory(title="帮扶资源", categories=["care_aid"])
    url = reverse("units:resource-board")

    first = Client().get(url, {"category": "culture"})
    second = Client().get(url, {"category": "culture"})
    shared = Client().get(url, {"category": "culture", "from": "wechat"})

    assert first.status_code == second.status_code == 200
    html = second.content.decode()
    assert "文化资源" in html and "帮扶资源" not in html
    assert second["X-Page-Cache"] == "hit"  # (the first may hit a copy left by an earlier run)
    assert shared.status_code == 302 and shared["Location"] == f"{url}?category=culture"
    pagecache.bump_version()


@pytest.fixture
def two_districts():
    """城南 (first) and 东片 (second), each with one community, made in the other order."""
    from tests.factories import CommunityFactory, DistrictFactory

    east = DistrictFactory(name="东片", position=2)
    south = DistrictFactory(name="城南", position=1)
    CommunityFactory(name="东林村", district=east)
    CommunityFactory(name="南圩居民区", district=south)


def test_the_form_offers_communities_as_ticks_grouped_by_district(liaison_client, two_districts):
    html = liaison_client.get(reverse("units:resource-create")).content.decode()
    field = html[html.index('id="field-communities"') :]
    field = field[: field.index("</fieldset>")]
    assert 'type="checkbox"' in field and "<select" not in field
    assert "Ctrl" not in html and "按住" not in html
    assert field.index("城南") < field.index("南圩居民区") < field.index("东片") < field.index("东林村")


def test_the_need_form_groups_communities_by_district(anon, two_districts):
    html = anon.get(reverse("projects:need-create")).content.decode()
    assert html.index('<optgroup label="城南">') < html.index("南圩居民区") < html.index('<optgroup label="东片">') < html.index("东林村")


def test_a_public_resource_card_leads_to_raising_a_need(anon):
    resource = ResourceFactory(title="法律咨询服务", categories=["convenience"])
    html = anon.get(reverse("units:resource-board")).content.decode()
    card = html[html.index(f'id="resource-{resource.pk}"') :]
    card = card[: card.index("</article>")]
    assert 'href="/needs/new/?category=convenience"' in card
    form = anon.get("/needs/new/?category=convenience").content.decode()
    assert '<option value="convenience" selected>' in form
    assert anon.get("/needs/new/?category=<b>").status_code == 200
