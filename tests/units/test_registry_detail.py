import pytest
from django.urls import reverse

from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    PairingFactory,
    UserFactory,
    VisitFactory,
)
from tests.queries import assert_same_queries, get_queries
from units.models import Community, Pairing, PartyBranch

pytestmark = pytest.mark.django_db


def test_it_shows_a_unit_with_contacts_pairings_visits_branches_and_history(
    staff_client, unit_a, liaison
):
    liaison.email = "bob@example.com"
    liaison.save()
    wanlian = CommunityFactory(name="万联村")
    pairing = PairingFactory(community=wanlian, unit=unit_a, programme="double_hundred")
    VisitFactory(pairing=pairing, activities="走访慰问困难党员和群众")
    PartyBranch.objects.create(name="财政局窗口党支部", kind="service_window", unit=unit_a)
    body = staff_client.get(reverse("units:unit-detail", args=[unit_a.pk])).content.decode()
    for text in [
        unit_a.liaison_phone, unit_a.liaison_email, "财政局联络员", "bob@example.com",
        "万联村", "共驻共建", "双百结对", "走访慰问困难党员和群众", "财政局窗口党支部",
        "变更记录", "创建",
    ]:
        assert text in body, text


def test_it_keeps_the_unit_page_queries_flat(staff_client, unit_a):
    url = reverse("units:unit-detail", args=[unit_a.pk])

    pairing = PairingFactory(unit=unit_a)
    VisitFactory(pairing=pairing)
    small = get_queries(staff_client, url)
    for _ in range(5):
        VisitFactory(pairing=PairingFactory(unit=unit_a))
        UserFactory(unit=unit_a)
    assert_same_queries(small, get_queries(staff_client, url))


def test_it_shows_a_community_with_both_sides_of_its_pairings(staff_client, unit_a):
    wanlian = CommunityFactory(name="万联村")
    town = CommunityFactory(name="示例居民区05", kind="residential")
    PairingFactory(community=wanlian, unit=unit_a)
    as_partner = Pairing.objects.create(
        community=town, partner_community=wanlian, mode="village_community",
        programme="urban_rural",
    )
    VisitFactory(pairing=as_partner, activities="城乡结对联谊活动")
    PartyBranch.objects.create(name="万联村田头党支部", kind="field", community=wanlian)
    body = staff_client.get(reverse("units:community-detail", args=[wanlian.pk])).content.decode()
    for text in [unit_a.name, "示例居民区05", "作为结对村居", "城乡结对联谊活动", "万联村田头党支部"]:
        assert text in body, text


def test_it_creates_and_edits_a_community(staff_client):
    district = CommunityFactory().district
    create = staff_client.post(
        reverse("units:community-create"),
        {"name": "示例村99", "kind": "village", "district": district.pk, "is_active": "on"},
    )
    assert create.status_code == 302
    community = Community.objects.get(name="示例村99")
    bad = staff_client.post(
        reverse("units:community-edit", args=[community.pk]),
        {"name": "", "kind": "castle", "district": district.pk},
    )
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "这个字段是必填项" in " ".join(errors["name"])
    assert "选择一个有效的选项" in " ".join(errors["kind"])


def test_it_shows_changes_with_names_and_labels(staff_client, unit_a):
    url = reverse("units:unit-edit", args=[unit_a.pk])
    district = DistrictFactory(name="城东")
    data = {
        "name": unit_a.name, "category": "stationed", "level": "", "party_org_name": "",
        "district": district.pk, "joined_year": "2005", "liaison_name": "", "liaison_phone": "",
        "liaison_email": "",
    }
    assert staff_client.post(url, data).status_code == 302
    body = staff_client.get(reverse("units:unit-detail", args=[unit_a.pk])).content.decode()
    history = body[body.index("变更记录"):]
    assert "城东" in history
    assert "辖区单位" in history
