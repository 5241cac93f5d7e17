"""Exporting the registry: XLSX and CSV, filtered like the list, text kept as text."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import MemberUnitFactory, PairingFactory, UserFactory, VisitFactory
from tests.queries import assert_same_queries, get_queries
from tests.units.test_registry_import import CONFIRM, _upload
from units.models import Community, MemberUnit, Pairing

pytestmark = pytest.mark.django_db


def _export(client, kind, fmt, **query):
    return client.get(reverse("units:registry-export", args=[kind, fmt]), query)


def _sheet_rows(response, title):
    book = load_workbook(io.BytesIO(response.content))
    return [[c.value for c in row] for row in book[title].iter_rows()]


def test_an_exported_registry_imports_back_with_no_change(staff_client, staff):
    hostile = MemberUnitFactory(name="=cmd|' /C calc'!A0", category="enterprise", level="")
    left = MemberUnitFactory(name="已退出单位")
    left.deactivate(on=datetime.date(2024, 5, 1))
    pairing = PairingFactory(unit=hostile, programme="double_hundred", note="+备注")
    PairingFactory(unit=None, partner_community=pairing.community, mode="village_community")
    VisitFactory(pairing=pairing)
    counts = [MemberUnit.history.count(), Pairing.history.count(), Community.history.count()]
    data = _export(staff_client, "registry", "xlsx").content
    preview = _upload(staff_client, data).context["preview"]
    assert [s.counts for s in preview.sheets] == [
        {"new": 0, "changed": 0, "unchanged": 2, "error": 0, "left_out": 0},
        {"new": 0, "changed": 0, "unchanged": 2, "error": 0, "left_out": 0},
        {"new": 0, "changed": 0, "unchanged": 2, "error": 0, "left_out": 0},
    ]
    staff_client.post(CONFIRM, {"token": _upload(staff_client, data).context["token"]})
    assert counts == [MemberUnit.history.count(), Pairing.history.count(), Community.history.count()]


def test_the_units_export_follows_the_list_filters_and_shows_pairings_and_accounts(staff_client):
    court = MemberUnitFactory(name="朱泾法庭", category="stationed", level="")
    MemberUnitFactory(name="金山区财政局")
    pairing = PairingFactory(unit=court)
    UserFactory(username="fating", unit=court)
    response = _export(staff_client, "units", "xlsx", category="stationed")
    rows = _sheet_rows(response, "成员单位")
    assert rows[0][:3] == ["编号", "名称", "类别"]
    assert [r[1] for r in rows[1:]] == ["朱泾法庭"]
    by_header = dict(zip(rows[0], rows[1]))
    assert by_header["类别"] == "辖区单位"
    assert by_header["结对村居"] == pairing.community.name
    assert by_header["联络员账号"] == "fating"


def test_the_unit_lists_rows_link_to_the_export_of_what_they_show(staff_client):
    MemberUnitFactory(name="朱泾法庭", category="stationed", level="")
    url = reverse("units:unit-list")
    response = staff_client.get(url, {"category": "stationed"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert reverse("units:registry-export", args=["units", "csv"]) + "?category=stationed" in html


def test_the_csv_export_has_a_bom_and_marks_formula_like_text(staff_client):
    MemberUnitFactory(name="=HYPERLINK(1)", category="enterprise", level="")
    response = _export(staff_client, "units", "csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff编号,名称")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_the_pairings_export_has_the_last_visit_and_the_next_due(staff_client):
    pairing = PairingFactory(visit_cadence_days=30)
    VisitFactory(pairing=pairing, visited_on=datetime.date(2024, 3, 1))
    rows = _sheet_rows(_export(staff_client, "pairings", "xlsx"), "结对")
    by_header = dict(zip(rows[0], rows[1]))
    assert by_header["上次走访"].date() == datetime.date(2024, 3, 1)
    assert by_header["下次走访"].date() == datetime.date(2024, 3, 31)
    assert by_header["活跃度"] == "逾期"


def test_an_unknown_kind_or_format_is_not_found(staff_client):
    assert _export(staff_client, "visits", "xlsx").status_code == 404
    assert _export(staff_client, "units", "pdf").status_code == 404
    assert _export(staff_client, "registry", "csv").status_code == 404


def _add_units(n):
    for _ in range(n):
        unit = MemberUnitFactory()
        UserFactory(unit=unit)
        VisitFactory(pairing=PairingFactory(unit=unit))


@pytest.mark.parametrize("kind", ["registry", "units", "pairings", "communities"])
def test_its_query_count_does_not_grow(staff_client, kind):
    url = reverse("units:registry-export", args=[kind, "xlsx"])
    _add_units(3)
    small = get_queries(staff_client, url)
    _add_units(27)
    assert_same_queries(small, get_queries(staff_client, url), at_most=12)


def test_the_demo_registry_round_trips_with_no_change(staff_client):
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    data = _export(staff_client, "registry", "xlsx").content
    preview = _upload(staff_client, data).context["preview"]
    assert preview.change_count == 0 and preview.error_count == 0
    assert preview.total("unchanged") == (
        MemberUnit.objects.in_council().count() + Community.objects.count() + Pairing.objects.count()
    )
