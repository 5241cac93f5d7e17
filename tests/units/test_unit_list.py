import pytest
from django.urls import reverse

from tests.factories import DistrictFactory, MemberUnitFactory, PairingFactory
from tests.queries import assert_same_queries, get_queries
from core import pagecache
from units.models import MemberUnit, Membership

pytestmark = pytest.mark.django_db

URL = reverse("units:unit-list")


def _make_units(n, district):
    MemberUnit.objects.bulk_create(
        MemberUnit(
            name=f"批量单位{i:04d}",
            category=MemberUnit.Category.STATIONED if i % 2 else MemberUnit.Category.ORGAN,
            level="" if i % 2 else MemberUnit.Level.CITY,
            district=district,
            liaison_name=f"联络员{i}",
            liaison_phone=f"1380000{i:04d}",
            joined_year=2000,
        )
        for i in range(n)
    )
    Membership.enrol_units_without_one()  # bulk_create skips save(): they join the council here
    # A few pairings, so the pairing counts are really computed.
    for unit in MemberUnit.objects.order_by("pk")[:3]:
        PairingFactory(unit=unit)


def test_it_does_not_query_more_with_more_units(staff_client):
    district = DistrictFactory(name="城南")
    _make_units(10, district)
    small = get_queries(staff_client, URL)
    MemberUnit.objects.bulk_create(
        MemberUnit(name=f"更多单位{i:04d}", category="enterprise", joined_year=2001, district=district)
        for i in range(490)
    )
    Membership.enrol_units_without_one()
    pagecache.bump_version()  # bulk_create sends no signal: its caller bumps
    assert MemberUnit.objects.count() == 500
    assert_same_queries(small, get_queries(staff_client, URL))


def test_it_pages_by_25(staff_client):
    _make_units(30, DistrictFactory(name="城南"))
    page1 = staff_client.get(URL).content.decode()
    assert "批量单位0024" in page1 and "批量单位0025" not in page1
    page2 = staff_client.get(URL + "?page=2").content.decode()
    assert "批量单位0025" in page2
    assert "第 1 / 2 页" in page1


def test_it_searches_by_name_and_party_org(staff_client):
    MemberUnitFactory(name="金山区财政局", party_org_name="财政局机关党委")
    MemberUnitFactory(name="朱泾法庭", category="stationed", party_org_name="法庭党支部")
    by_name = staff_client.get(URL, {"q": "财政"}).content.decode()
    assert "金山区财政局" in by_name and "朱泾法庭" not in by_name
    by_org = staff_client.get(URL, {"q": "法庭党支部"}).content.decode()
    assert "朱泾法庭" in by_org and "金山区财政局" not in by_org


def test_it_filters_by_category_district_and_activity(staff_client):
    east = DistrictFactory(name="城东")
    west = DistrictFactory(name="城西")
    MemberUnitFactory(name="东边机关", district=east)
    MemberUnitFactory(name="西边企业", category="enterprise", district=west)
    gone = MemberUnitFactory(name="已退出单位", district=west)
    gone.deactivate()
    assert "西边企业" not in staff_client.get(URL, {"category": "organ"}).content.decode()
    by_district = staff_client.get(URL, {"district": east.pk}).content.decode()
    assert "东边机关" in by_district and "西边企业" not in by_district
    inactive = staff_client.get(URL, {"active": "no"}).content.decode()
    assert "已退出单位" in inactive and "东边机关" not in inactive
    active = staff_client.get(URL, {"active": "yes"}).content.decode()
    assert "已退出单位" not in active and "东边机关" in active


def test_it_answers_htmx_with_the_rows_only(staff_client):
    MemberUnitFactory(name="金山区财政局")
    response = staff_client.get(URL, {"q": "财政"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="unit-rows"' in body
    assert "金山区财政局" in body
    assert "<html" not in body


def test_it_shows_liaison_contacts_to_staff(staff_client):
    MemberUnitFactory(name="金山区财政局", liaison_name="王联络", liaison_phone="13800001234")
    body = staff_client.get(URL).content.decode()
    assert "王联络" in body and "13800001234" in body


def test_it_keeps_the_filters_in_the_page_links(staff_client):
    _make_units(30, DistrictFactory(name="城南"))
    body = staff_client.get(URL, {"q": "批量"}).content.decode()
    assert "?q=%E6%89%B9%E9%87%8F&amp;page=2" in body
