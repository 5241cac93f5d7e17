"""Open data: public projects, the 1+5+N structure and the figures, with no personal data."""

import csv
import io
import json

import pytest
from django.urls import reverse

from projects.models import Need, Project
from tests.factories import (
    AdoptionFactory,
    JointMeetingFactory,
    MemberUnitFactory,
    MilestoneFactory,
    NeedFactory,
    PairingFactory,
    ProjectFactory,
    UserFactory,
    VisitFactory,
)
from tests.queries import assert_same_queries, get_queries

pytestmark = pytest.mark.django_db

OPEN_FILES = [
    "opendata:index",
    "opendata:projects-csv",
    "opendata:projects-json",
    "opendata:structure-json",
    "opendata:stats-json",
    "opendata:public-calendar",
]


@pytest.fixture
def network(db):
    unit = MemberUnitFactory(
        name="金山区财政局",
        liaison_name="王晓红",
        liaison_phone="13912345678",
        liaison_email="wangxh@caizheng.example",
    )
    UserFactory(username="caizheng", unit=unit, display_name="财政局李联络", email="li@cz.example")
    pairing = PairingFactory(unit=unit, programme="double_hundred")
    VisitFactory(pairing=pairing, visitors="赵走访、钱走访")
    project = ProjectFactory(community=pairing.community, title="老旧小区加装扶手", status="adopted")
    NeedFactory(
        community=pairing.community,
        project=project,
        status=Need.Status.ACCEPTED,
        text="楼道太暗，老人上下楼不便",
        contact_name="孙阿姨",
        contact_phone="13800001111",
    )
    NeedFactory(community=pairing.community, text="未采纳的需求", status=Need.Status.PENDING)
    AdoptionFactory(project=project, unit=unit, commitment="联系人周先生 13700002222")
    MilestoneFactory(project=project, title="完成安装")
    ProjectFactory(community=pairing.community, title="草稿项目", status=Project.Status.DRAFT)
    JointMeetingFactory(title="2026年联席会议", venue="朱泾镇政府")
    return {"unit": unit, "pairing": pairing, "project": project}


CONTACTS = [
    "王晓红", "13912345678", "wangxh@caizheng.example", "财政局李联络", "li@cz.example",
    "孙阿姨", "13800001111", "赵走访", "周先生", "13700002222", "caizheng",
]  # fmt: skip


@pytest.mark.parametrize("route", OPEN_FILES)
def test_no_open_file_contains_a_contact_of_any_person(anon, network, route):
    response = anon.get(reverse(route))
    assert response.status_code == 200
    body = response.getvalue().decode("utf-8")
    # The file is about the network: the project and the unit are there…
    if route not in ("opendata:stats-json", "opendata:index"):
        assert "金山区财政局" in body or "老旧小区加装扶手" in body
    # …but no liaison, resident, visitor or account name, phone or email.
    assert [c for c in CONTACTS if c in body] == []


def test_projects_csv_is_utf8_with_a_bom_and_stable_english_columns(anon, network):
    response = anon.get(reverse("opendata:projects-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeffid,title,category,category_label,community,district,year,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    (row,) = rows  # the draft is not public
    assert row["title"] == "老旧小区加装扶手"
    assert row["status"] == "adopted" and row["status_label"] == "已认领"
    assert row["adopting_units"] == "金山区财政局"
    assert (row["milestones_total"], row["milestones_done"]) == ("1", "0")
    assert row["needs_answered"] == "楼道太暗，老人上下楼不便"


def test_projects_json_has_the_same_projects_and_a_field_dictionary(anon, network):
    payload = json.loads(anon.get(reverse("opendata:projects-json")).content)
    assert payload["fields"]["adopting_units"] == "认领单位"
    assert [p["title"] for p in payload["projects"]] == ["老旧小区加装扶手"]


def test_structure_json_is_the_network_as_data(anon, network):
    payload = json.loads(anon.get(reverse("opendata:structure-json")).content)
    unit = next(u for u in payload["units"] if u["name"] == "金山区财政局")
    assert unit == {
        "name": "金山区财政局",
        "category": "organ",
        "category_label": "市、区级机关",
        "level": "district",
        "joined_year": 2005,
    }
    (pairing,) = payload["pairings"]
    assert pairing["unit"] == "金山区财政局"
    assert (pairing["mode"], pairing["programme"], pairing["since"]) == (
        "co_resident",
        "double_hundred",
        "2020-01-01",
    )
    community = network["pairing"].community
    district = next(d for d in payload["districts"] if d["name"] == community.district.name)
    assert {"name": community.name, "kind": community.kind} in district["communities"]


def test_stats_json_has_the_numbers_of_the_statistics_page(anon, network):
    payload = json.loads(anon.get(reverse("opendata:stats-json")).content)
    assert payload["active_units"] == 1
    assert payload["units_by_category"]["organ"] == 1
    assert payload["pairings_by_programme"]["double_hundred"] == 1
    assert payload["members_by_year"][0]["year"] == 1997


def test_the_index_lists_every_file_with_its_licence_and_dictionary(anon, network):
    html = anon.get(reverse("opendata:index")).content.decode()
    for name in ["projects.csv", "projects.json", "structure.json", "stats.json", "calendar.ics"]:
        assert name in html
    assert "CC BY 4.0" in html and "数据最近更新" in html
    assert "<code>needs_answered</code> 回应的需求" in html


def _add_projects(n):
    for _ in range(n):
        pairing = PairingFactory()
        project = ProjectFactory(community=pairing.community)
        AdoptionFactory(project=project, unit=pairing.unit)
        NeedFactory(community=pairing.community, project=project, status=Need.Status.ACCEPTED)
        MilestoneFactory(project=project)


@pytest.mark.parametrize(
    "route",
    ["opendata:projects-json", "opendata:projects-csv", "opendata:structure-json",
     "opendata:public-calendar"],
)  # fmt: skip
def test_its_query_count_does_not_grow(anon, route):
    _add_projects(2)
    small = get_queries(anon, reverse(route))
    _add_projects(18)
    assert_same_queries(small, get_queries(anon, reverse(route)), at_most=10)


def test_no_open_file_contains_a_contact_from_the_demo_data(anon):
    """The same scan over the whole demo network, with every contact it holds."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from units.models import Community, MemberUnit

    call_command("load_demo", stdout=io.StringIO())
    contacts = set()
    for row in MemberUnit.objects.values_list("liaison_name", "liaison_phone", "liaison_email"):
        contacts.update(row)
    for row in get_user_model().objects.values_list("display_name", "email"):
        contacts.update(row)
    for row in Need.objects.values_list("contact_name", "contact_phone"):
        contacts.update(row)
    # A placeholder like 示例居民 is also the start of the community 示例居民区01: public
    # names are not contacts, so contacts found inside one are left out of the scan.
    names = " ".join(
        list(Community.objects.values_list("name", flat=True))
        + list(MemberUnit.objects.values_list("name", flat=True))
    )
    contacts = {c for c in contacts if c and len(c) >= 2 and c not in names}
    assert len(contacts) > 10
    for route in OPEN_FILES:
        body = anon.get(reverse(route)).getvalue().decode("utf-8")
        assert [c for c in contacts if c in body] == [], route
