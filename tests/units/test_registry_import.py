"""Importing the registry from Excel: preview first, then every row or none."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from tests.factories import CommunityFactory, DistrictFactory, MemberUnitFactory, PairingFactory
from tests.queries import assert_same_queries, capture_queries
from tests.units.registry_files import (
    COMMUNITY_HEADERS,
    PAIRING_HEADERS,
    UNIT_HEADERS,
    pairing_row,
    unit_row,
    xlsx,
)
from units import dataio
from units.models import Community, MemberUnit, Pairing

pytestmark = pytest.mark.django_db

IMPORT = reverse("units:registry-import")
CONFIRM = reverse("units:registry-import-confirm")


def _upload(client, data, name="registry.xlsx"):
    return client.post(IMPORT, {"file": _file(data, name)})


def _file(data, name):
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.fixture
def town(db):
    district = DistrictFactory(name="城南")
    community = CommunityFactory(name="南圩居民区", district=district)
    return {"district": district, "community": community}


def test_it_previews_new_units_and_writes_nothing(staff_client, town):
    data = xlsx({"成员单位": [UNIT_HEADERS, unit_row("新华物业公司"), unit_row("朱泾社工站", "新社会组织")]})
    response = _upload(staff_client, data)
    assert response.status_code == 200
    preview = response.context["preview"]
    (sheet,) = preview.sheets
    assert [(r.number, r.status, r.label) for r in sheet.rows] == [
        (2, "new", "新华物业公司"),
        (3, "new", "朱泾社工站"),
    ]
    assert "导入 2 条新增或修改的行" in response.content.decode()
    assert not MemberUnit.objects.filter(name="新华物业公司").exists()


def test_it_imports_everything_on_confirm_and_records_who(staff_client, staff, town):
    data = xlsx(
        {
            "成员单位": [UNIT_HEADERS, unit_row("新华物业公司", district="城南")],
            "结对": [PAIRING_HEADERS, pairing_row("南圩居民区", unit="新华物业公司")],
        }
    )
    token = _upload(staff_client, data, "朱泾名册.xlsx").context["token"]
    response = staff_client.post(CONFIRM, {"token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("units:unit-list")
    unit = MemberUnit.objects.get(name="新华物业公司")
    pairing = Pairing.objects.get(unit=unit)
    # The empty mode became the only one that fits an enterprise.
    assert pairing.mode == Pairing.Mode.SELF_INITIATED
    record = unit.history.get()
    assert record.history_user == staff
    assert record.history_change_reason == "从 朱泾名册.xlsx 导入"
    assert pairing.history.get().history_user == staff


def test_it_shows_changed_fields_old_and_new_and_leaves_unchanged_rows(staff_client, town):
    unit = MemberUnitFactory(name="金山区财政局", joined_year=2005, district=town["district"])
    MemberUnitFactory(name="朱泾法庭", category="stationed", level="")
    row = unit_row("金山区财政局", "市、区级机关", "区级", "城南", 2008, **{"编号": unit.pk})
    data = xlsx({"成员单位": [UNIT_HEADERS, row]})
    (sheet,) = _upload(staff_client, data).context["preview"].sheets
    (changed,) = sheet.rows
    assert changed.status == "changed"
    assert ("加入年份", 2005, 2008) in changed.changes
    assert ("党组织名称", "金山区财政局党支部", "—") in changed.changes


def test_rows_without_an_id_match_by_name_and_change_nothing(staff_client, town):
    data = xlsx(
        {
            "成员单位": [UNIT_HEADERS, unit_row("新华物业公司", district="城南")],
            "结对": [PAIRING_HEADERS, pairing_row("南圩居民区", unit="新华物业公司")],
        }
    )
    staff_client.post(CONFIRM, {"token": _upload(staff_client, data).context["token"]})
    preview = _upload(staff_client, data).context["preview"]
    assert [s.counts for s in preview.sheets] == [
        {"new": 0, "changed": 0, "unchanged": 1, "error": 0, "left_out": 0},
        {"new": 0, "changed": 0, "unchanged": 1, "error": 0, "left_out": 0},
    ]


def test_a_sheet_without_the_id_column_matches_by_name(staff_client, town):
    MemberUnitFactory(name="朱泾法庭", category="stationed", level="", joined_year=2003)
    headers = [h for h in UNIT_HEADERS if h != "编号"]
    row = unit_row("朱泾法庭", "辖区单位", year=2004)[1:]
    preview = _upload(staff_client, xlsx({"成员单位": [headers, row]})).context["preview"]
    (changed,) = preview.sheets[0].rows
    assert (changed.status, ("加入年份", 2003, 2004) in changed.changes) == ("changed", True)


def test_a_date_written_as_excels_day_number_is_read_as_a_date(staff_client, town):
    MemberUnitFactory(name="新华物业公司", category="enterprise", level="")
    row = pairing_row("南圩居民区", unit="新华物业公司", started=45352)
    data = xlsx({"结对": [PAIRING_HEADERS, row]})
    token = _upload(staff_client, data).context["token"]
    staff_client.post(CONFIRM, {"token": token})
    assert Pairing.objects.get().started_on == datetime.date(2024, 3, 1)


def test_it_renames_a_record_by_its_id_only_when_ticked(staff_client, staff, town):
    unit = MemberUnitFactory(name="旧名称", category="enterprise", level="", joined_year=2020)
    data = xlsx({"成员单位": [UNIT_HEADERS, unit_row("新名称", year=2021, **{"编号": unit.pk})]})
    response = _upload(staff_client, data)
    (sheet,) = response.context["preview"].sheets
    (row,) = sheet.renames
    assert (row.number, row.match, row.rename) == (2, "id", ("旧名称", "新名称"))
    assert sheet.shown_rows == []  # listed apart, not among the ordinary changes
    assert 'name="accept" value="units:2"' in response.content.decode()
    token = response.context["token"]
    staff_client.post(CONFIRM, {"token": token})
    unit.refresh_from_db()
    assert (unit.name, unit.joined_year) == ("旧名称", 2020)  # not ticked: left out

    token = _upload(staff_client, data).context["token"]
    staff_client.post(CONFIRM, {"token": token, "accept": ["units:2"]})
    unit.refresh_from_db()
    assert (unit.name, unit.joined_year) == ("新名称", 2021)


def test_an_id_naming_another_records_name_is_an_error_that_says_so(staff_client, town):
    court = MemberUnitFactory(name="朱泾法庭", category="stationed", level="")
    unit = MemberUnitFactory(name="旧名称", category="enterprise", level="", joined_year=2020)
    data = xlsx({"成员单位": [UNIT_HEADERS, unit_row("朱泾法庭", **{"编号": unit.pk})]})
    (row,) = _upload(staff_client, data).context["preview"].sheets[0].rows
    assert row.status == "error"
    assert row.errors == [
        f"编号 {unit.pk} 是“旧名称”，但这一行写的是“朱泾法庭”（编号 {court.pk}）。如果这一列是"
        "贵办自己的顺序号，请把列名改为“序号”；否则请改正编号。"
    ]


def test_it_previews_five_kinds_of_bad_rows_with_their_row_numbers_and_writes_nothing(
    staff_client, town
):
    MemberUnitFactory(name="朱泾法庭", category="stationed", level="")
    data = xlsx(
        {
            "成员单位": [
                UNIT_HEADERS,
                unit_row("好单位甲"),  # row 2: fine
                unit_row("外星机构", "外星组织"),  # row 3: unknown category
                unit_row("好单位甲"),  # row 4: duplicate name
            ],
            "结对": [
                PAIRING_HEADERS,
                pairing_row("不存在的村", unit="好单位甲"),  # row 2: community not found
                pairing_row("南圩居民区", unit="好单位甲", started="1990-05-01"),  # row 3: date
                pairing_row("南圩居民区", unit="朱泾法庭", mode="自主共建"),  # row 4: wrong mode
            ],
        }
    )
    units_before, pairings_before = MemberUnit.objects.count(), Pairing.objects.count()
    response = _upload(staff_client, data)
    preview = response.context["preview"]
    errors = {
        (sheet.title, row.number): " ".join(row.errors)
        for sheet in preview.sheets
        for row in sheet.rows
        if row.status == "error"
    }
    assert sorted(errors) == [("成员单位", 3), ("成员单位", 4), ("结对", 2), ("结对", 3), ("结对", 4)]
    assert "未知的值“外星组织”" in errors[("成员单位", 3)]
    assert "第 2 行名称相同" in errors[("成员单位", 4)]
    assert "找不到村居“不存在的村”" in errors[("结对", 2)]
    assert "超出范围" in errors[("结对", 3)]
    assert "共驻共建" not in errors[("结对", 4)] and "企业或社会组织" in errors[("结对", 4)]
    assert preview.error_count == 5
    assert response.context["token"] is None  # nothing to confirm
    html = response.content.decode()
    assert "5 行有错误" in html
    assert (MemberUnit.objects.count(), Pairing.objects.count()) == (units_before, pairings_before)


def test_a_row_naming_unknown_records_says_only_that(staff_client, town):
    data = xlsx({"结对": [PAIRING_HEADERS, pairing_row("不存在的村", unit="不存在的单位")]})
    (row,) = _upload(staff_client, data).context["preview"].sheets[0].rows
    # Not also "no counterpart" or "no mode", which only follow from the lookups.
    assert row.errors == ["村居：找不到村居“不存在的村”。", "成员单位：找不到成员单位“不存在的单位”。"]


def test_a_failure_on_confirm_rolls_back_every_row(staff_client, town):
    data = xlsx(
        {
            "成员单位": [UNIT_HEADERS, unit_row("新单位甲"), unit_row("新单位乙")],
            "结对": [PAIRING_HEADERS, pairing_row("南圩居民区", unit="新单位乙")],
        }
    )
    token = _upload(staff_client, data).context["token"]
    assert token
    # Between the preview and the confirmation the community is renamed: the last row fails.
    Community.objects.filter(pk=town["community"].pk).update(name="南圩社区")
    response = staff_client.post(CONFIRM, {"token": token})
    assert response.status_code == 200
    assert response.context["rolled_back"] is True
    assert "未写入任何数据" in response.content.decode()
    assert not MemberUnit.objects.filter(name__in=["新单位甲", "新单位乙"]).exists()


def test_it_refuses_a_template_uploaded_with_its_example_rows(staff_client, town):
    template = staff_client.get(reverse("units:registry-template"))
    preview = _upload(staff_client, template.content).context["preview"]
    assert preview.error_count == 3
    assert "模板的示例行" in preview.sheets[0].rows[0].errors[0]


def _merged_header():
    book = Workbook()
    sheet = book.active
    sheet.title = "成员单位"
    sheet.append(UNIT_HEADERS)
    sheet.merge_cells("A1:B1")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BAD_FILES = {
    "empty": (b"", "文件是空的"),
    "csv-missing-columns": ("名称,类别\n朱泾法庭,辖区单位\n".encode(), "村居表需要 名称、类型、片区"),
    "damaged-xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "工作簿已损坏"),
    "binary-junk": (b"\x00\x01\x02junk" * 100, "无法读取这个文件"),
    "junk-10mb": (b"PK\x03\x04" + b"\x07junk" * (2 * 1024 * 1024), "大于 5 MB"),
    "zip-not-xlsx": (None, "无法读取这个文件"),
    "wrong-sheet": (xlsx({"Sheet1": [["姓名", "电话"], ["张三", "139"]]}), "成员单位表需要 名称、类别、加入年份"),
    "no-rows": (xlsx({"成员单位": [UNIT_HEADERS]}), "没有数据行"),
    "merged-header": (None, "合并单元格"),
    "missing-columns": (xlsx({"成员单位": [["名称", "联络人"], ["甲", "乙"]]}), "缺少列"),
}


def _zip_not_xlsx():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "不是工作簿")
    return buffer.getvalue()


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_it_refuses_a_bad_file_with_a_clear_message(staff_client, town, name):
    data, message = BAD_FILES[name]
    if name == "merged-header":
        data = _merged_header()
    elif name == "zip-not-xlsx":
        data = _zip_not_xlsx()
    response = _upload(staff_client, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "preview" not in response.context or response.context["preview"] is None


def test_it_refuses_formulas_in_cells_as_row_errors(staff_client, town):
    data = xlsx({"成员单位": [UNIT_HEADERS, unit_row("=HYPERLINK(\"http://x\")"), unit_row("好单位", year="=2000+20")]})
    preview = _upload(staff_client, data).context["preview"]
    rows = preview.sheets[0].rows
    assert [r.status for r in rows] == ["error", "error"]
    assert all("公式" in " ".join(r.errors) for r in rows)
    assert not MemberUnit.objects.filter(name="好单位").exists()


def test_it_answers_htmx_with_the_preview_fragment_only(staff_client, town):
    data = xlsx({"成员单位": [UNIT_HEADERS, unit_row("新华物业公司")]})
    response = staff_client.post(IMPORT, {"file": _file(data, "a.xlsx")}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="import-result">')
    assert "新华物业公司" in html and "<html" not in html


def test_only_the_session_that_uploaded_may_confirm(staff_client, town, client):
    from tests.factories import UserFactory

    data = xlsx({"成员单位": [UNIT_HEADERS, unit_row("新华物业公司")]})
    token = _upload(staff_client, data).context["token"]
    client.force_login(UserFactory(username="dora", is_staff=True))
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 302
    assert not MemberUnit.objects.filter(name="新华物业公司").exists()


def test_the_command_previews_with_dry_run_and_imports_without(tmp_path, town, capsys):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(xlsx({"成员单位": [UNIT_HEADERS, unit_row("新华物业公司")]}))
    call_command("import_registry", str(path), "--dry-run")
    assert "新增 1" in capsys.readouterr().out
    assert not MemberUnit.objects.filter(name="新华物业公司").exists()
    call_command("import_registry", str(path))
    assert MemberUnit.objects.filter(name="新华物业公司").exists()


def test_the_command_fails_on_bad_rows_and_writes_nothing(tmp_path, town):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(
        xlsx({"成员单位": [UNIT_HEADERS, unit_row("甲单位"), unit_row("乙单位", "外星组织")]})
    )
    with pytest.raises(CommandError):
        call_command("import_registry", str(path))
    assert not MemberUnit.objects.filter(name="甲单位").exists()


def test_the_command_imports_one_file_per_kind_as_one(tmp_path, town):
    units = tmp_path / "units.xlsx"
    units.write_bytes(xlsx({"Sheet1": [UNIT_HEADERS, unit_row("新华物业公司")]}))
    pairings = tmp_path / "pairings.xlsx"
    wrong_mode = pairing_row("南圩居民区", unit="新华物业公司", mode="共驻共建")
    pairings.write_bytes(xlsx({"Sheet1": [PAIRING_HEADERS, wrong_mode]}))
    with pytest.raises(CommandError):
        call_command("import_registry", str(units), str(pairings))
    # The pairing's wrong mode stopped the units file too.
    assert not MemberUnit.objects.filter(name="新华物业公司").exists()


def test_one_file_per_kind_is_recognised_by_its_columns(staff_client, town):
    data = xlsx({"Sheet1": [COMMUNITY_HEADERS, [None, "新建村", "村", "城南", "是"]]})
    (sheet,) = _upload(staff_client, data).context["preview"].sheets
    assert (sheet.kind, sheet.rows[0].status) == (dataio.COMMUNITIES, "new")


def test_the_preview_query_count_does_not_grow_with_unchanged_rows(staff_client, town):
    def add_and_preview(n):
        for unit in MemberUnitFactory.create_batch(n, category="enterprise", level=""):
            PairingFactory(unit=unit, community=town["community"])
        url = reverse("units:registry-export", args=["registry", "xlsx"])
        data = staff_client.get(url).content
        with capture_queries() as queries:
            response = _upload(staff_client, data)
        assert response.context["preview"].change_count == 0
        return queries

    small = add_and_preview(5)
    assert_same_queries(small, add_and_preview(35), at_most=40)
