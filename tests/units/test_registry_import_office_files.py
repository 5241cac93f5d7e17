"""The registry import against files shaped the way town offices keep them.

One file per kind of mess (tests/units/office_files.py), plus files with several at once.
Each is imported correctly or refused with a message naming the row, the column and the
fix; none writes wrong data silently, and importing an accepted file again changes nothing.
"""

import datetime
import io
import os
import tracemalloc
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import CommunityFactory, DistrictFactory, MemberUnitFactory, PairingFactory
from tests.units.office_files import (
    OFFICE_UNIT_HEADERS,
    as_wps,
    csv_bytes,
    new_book,
    office_unit_row,
    office_units_xlsx,
    titled_sheet,
    workbook_bytes,
    xls,
)
from tests.units.registry_files import PAIRING_HEADERS, UNIT_HEADERS, pairing_row, unit_row, xlsx
from units import dataio
from units.models import MemberUnit, Pairing

pytestmark = pytest.mark.django_db

IMPORT = reverse("units:registry-import")
CONFIRM = reverse("units:registry-import-confirm")


@pytest.fixture
def town(db):
    district = DistrictFactory(name="城南")
    DistrictFactory(name="城东")
    community = CommunityFactory(name="南圩居民区", district=district)
    finance = MemberUnitFactory(
        name="金山区财政局", category="organ", level="district", district=district,
        joined_year=2005, liaison_name="", liaison_phone="57310000",
    )  # fmt: skip
    court = MemberUnitFactory(name="朱泾法庭", category="stationed", level="", district=district)
    property_co = MemberUnitFactory(
        name="新华物业有限公司（朱泾）", category="enterprise", level="", district=district,
        joined_year=2019, liaison_name="", liaison_phone="",
    )  # fmt: skip
    return {"district": district, "community": community, "finance": finance, "court": court,
            "property": property_co}  # fmt: skip


def _upload(client, data, name="名册.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return client.post(IMPORT, {"file": f})


def _import_all(data, **kwargs):
    """Import with every rename and near name ticked; fails the test if anything failed."""
    preview = dataio.run_import(data, commit=True, **kwargs)
    assert preview.error_count == 0, dataio.preview_text(preview)
    return preview


def _assert_reimport_changes_nothing(data):
    preview = dataio.run_import(data)
    assert (preview.change_count, preview.error_count, preview.tick_count) == (0, 0, 0), (
        dataio.preview_text(preview)
    )


def _rows(preview, kind=dataio.UNITS):
    (sheet,) = [s for s in preview.sheets if s.kind == kind]
    return sheet, {r.number: r for r in sheet.rows}


# --- Identity: an office's running numbers never overwrite records ------------------------


def test_it_does_not_let_running_numbers_in_an_id_column_rename_records(staff_client, town):
    """编号 1, 2, 3 of the office's own list, hitting real IDs, with new names."""
    ids = [town["finance"].pk, town["court"].pk, town["property"].pk]
    headers = ["编号", "名称", "类别", "加入年份"]
    categories = ["市、区级机关", "辖区单位", "新经济组织"]
    rows = [[pk, f"新单位{i}", categories[i], 2024] for i, pk in enumerate(ids)]
    data = xlsx({"成员单位": [headers, *rows]})
    response = _upload(staff_client, data)
    sheet, _by_number = _rows(response.context["preview"])
    assert [(r.number, r.match, r.rename) for r in sheet.renames] == [
        (2, "id", ("金山区财政局", "新单位0")),
        (3, "id", ("朱泾法庭", "新单位1")),
        (4, "id", ("新华物业有限公司（朱泾）", "新单位2")),
    ]
    html = response.content.decode()
    assert "按编号改名：请逐条勾选确认" in html and "把该列改名为“序号”" in html
    staff_client.post(CONFIRM, {"token": response.context["token"]})
    assert set(MemberUnit.objects.values_list("name", flat=True)) == {
        "金山区财政局",
        "朱泾法庭",
        "新华物业有限公司（朱泾）",
    }


def test_an_unknown_id_is_an_error_never_a_new_record(town):
    data = xlsx({"成员单位": [UNIT_HEADERS, unit_row("新单位", 编号=999999)]})
    preview = dataio.run_import(data, commit=True)
    _sheet, rows = _rows(preview)
    assert rows[2].errors == [
        (
            "名册中没有编号 999999。新记录请把编号留空；如果这一列是贵办自己的顺序号，"
            "请把列名改为“序号”。"
        )
    ]
    assert not MemberUnit.objects.filter(name="新单位").exists()


def test_a_running_number_column_named_xuhao_is_ignored_and_rows_match_by_name(town):
    rows = [office_unit_row(1, "新单位甲"), office_unit_row(2, "金山区财政局", "市、区级机关")]
    preview = dataio.run_import(office_units_xlsx(rows))
    sheet, by_number = _rows(preview)
    assert ("序号", "文件自己的序号") in sheet.ignored_columns
    assert (by_number[4].match, by_number[5].match) == ("new", "name")


def test_each_preview_row_says_how_it_matched(town):
    headers = ["编号", "名称", "类别", "加入年份"]
    data = xlsx({"成员单位": [headers, [town["court"].pk, "朱泾法庭", "辖区单位", 2020],
                              [None, "金山区财政局", "市、区级机关", 2005],
                              [None, "朱泾社工站", "新社会组织", 2024]]})  # fmt: skip
    _sheet, rows = _rows(dataio.run_import(data))
    assert [(n, rows[n].match, str(rows[n].match_label)) for n in (2, 3, 4)] == [
        (2, "id", "按编号对应"), (3, "name", "按名称对应"), (4, "new", "新记录"),
    ]  # fmt: skip


# --- Names as people mean them ------------------------------------------------------------


def test_names_written_another_way_match_the_existing_record(town):
    headers = ["名称", "类别", "加入年份"]
    spellings = [
        "新华物业有限公司(朱泾)",  # half-width brackets
        "金山区 财政局",  # a space
        "朱泾\u3000法庭",  # an ideographic space
    ]
    data = xlsx({"成员单位": [headers] + [[n, "新经济组织", 2020] for n in spellings]})
    _sheet, rows = _rows(dataio.run_import(data))
    assert [(rows[n].match, rows[n].record) for n in (2, 3, 4)] == [
        ("name", town["property"].pk), ("name", town["finance"].pk), ("name", town["court"].pk)
    ]  # fmt: skip
    assert MemberUnit.objects.count() == 3


def test_a_zero_width_space_in_a_name_matches_and_is_not_stored(town):
    data = xlsx({"成员单位": [["名称", "类别", "加入年份", "联系电话"],
                              ["金山区\u200b财政局", "市、区级机关", 2005, "57319999"]]})  # fmt: skip
    _import_all(data)
    assert MemberUnit.objects.get(pk=town["finance"].pk).liaison_phone == "57319999"
    assert MemberUnit.objects.count() == 3


def test_near_names_are_asked_about_not_created_silently(staff_client, town):
    headers = ["名称", "类别", "加入年份"]
    data = xlsx({"成员单位": [headers, ["金山区财正局", "辖区单位", 2005],
                              ["新华物业", "新经济组织", 2020],
                              ["朱泾社工站", "新社会组织", 2024]]})  # fmt: skip
    response = _upload(staff_client, data)
    _sheet, rows = _rows(response.context["preview"])
    assert rows[2].similar == ["金山区财政局"]
    assert rows[3].similar == ["新华物业有限公司（朱泾）"]
    assert rows[4].similar == []
    html = response.content.decode()
    assert "是否指：“金山区财政局”？" in html and "不是，按新记录导入" in html
    # Confirmed without ticks: only the unrelated new unit goes in.
    staff_client.post(CONFIRM, {"token": response.context["token"]})
    assert not MemberUnit.objects.filter(name__in=["金山区财正局", "新华物业"]).exists()
    assert MemberUnit.objects.filter(name="朱泾社工站").exists()


def test_a_pairing_naming_a_near_name_gets_a_suggestion(town):
    data = xlsx({"结对": [PAIRING_HEADERS, pairing_row("南圩", unit="朱泾法廷")]})
    _sheet, rows = _rows(dataio.run_import(data), dataio.PAIRINGS)
    assert rows[2].errors == [
        "村居：找不到村居“南圩”。是否指 “南圩居民区”？",
        "成员单位：找不到成员单位“朱泾法廷”。是否指 “朱泾法庭”？",
    ]


# --- The sheet as it is -------------------------------------------------------------------


def test_it_finds_the_header_under_a_merged_title_and_reads_other_column_names(town):
    rows = [office_unit_row(1, "朱泾社工站", "新社会组织", "城东", 2021, "李四", "13911112222")]
    data = office_units_xlsx(rows)
    preview = _import_all(data)
    sheet, by_number = _rows(preview)
    assert sheet.header_row == 3
    assert ("联系 电话", "联络电话") in sheet.renamed_columns
    assert by_number[4].values == [
        ("名称", "朱泾社工站"), ("类别", "新社会组织"), ("片区", "城东"), ("加入年份", 2021),
        ("联络人", "李四"), ("联络电话", "13911112222"),
    ]  # fmt: skip
    unit = MemberUnit.objects.get(name="朱泾社工站")
    assert (unit.district.name, unit.liaison_name, unit.liaison_phone) == (
        "城东",
        "李四",
        "13911112222",
    )
    _assert_reimport_changes_nothing(data)


def test_every_ignored_column_is_listed_by_name(town):
    headers = ["序号", "名称", "类别", "加入年份", "备注说明", "联系人", "联系人"]
    data = xlsx({"成员单位": [headers, [1, "朱泾社工站", "新社会组织", 2021, "x", "李四", "王五"]]})
    sheet, _by_number = _rows(dataio.run_import(data))
    assert sheet.ignored_columns == [
        ("序号", "文件自己的序号"),
        ("备注说明", "不是本表的列"),
        ("联系人", "与另一列同为“联络人”"),
    ]


def test_hidden_sheets_and_rows_are_skipped_and_said_so(staff_client, town):
    rows = [office_unit_row(1, "朱泾社工站"), office_unit_row(2, "已筛掉的单位"),
            office_unit_row(3, "朱泾文体中心")]  # fmt: skip
    stale = [office_unit_row(1, "旧表里的单位")]
    data = office_units_xlsx(rows, hidden_rows=[5], stale_copy=stale)
    response = _upload(staff_client, data)
    preview = response.context["preview"]
    assert preview.skipped_sheets == [("成员单位（旧）", "隐藏的工作表")]
    sheet, by_number = _rows(preview)
    assert sheet.hidden_rows == [5]
    assert sorted(by_number) == [4, 6]
    html = response.content.decode()
    assert "成员单位（旧）" in html and "隐藏的行（被筛选或手动隐藏）未读取" in html


def test_a_hidden_old_pairings_sheet_does_not_reactivate_an_ended_pairing(town):
    pairing = PairingFactory(
        community=town["community"], unit=town["court"], status=Pairing.Status.ENDED,
        started_on=datetime.date(2020, 1, 1), ended_on=datetime.date(2023, 1, 1),
    )  # fmt: skip
    book = new_book()
    visible = book.create_sheet("说明")
    visible.append(["本文件只作存档"])
    old = book.create_sheet("结对")
    old.append(PAIRING_HEADERS)
    old.append(pairing_row("南圩居民区", unit="朱泾法庭", started="2020-01-01", 编号=pairing.pk))
    old.sheet_state = "hidden"
    with pytest.raises(dataio.FileError, match="没有找到名册表"):
        dataio.run_import(workbook_bytes(book), commit=True)
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ENDED


def test_a_missing_column_is_named_with_its_other_accepted_names(town):
    data = xlsx({"成员单位": [["单位名称", "单位类别"], ["朱泾社工站", "新社会组织"]]})
    with pytest.raises(dataio.FileError) as error:
        dataio.run_import(data)
    assert str(error.value) == (
        "工作表“成员单位”缺少列：加入年份（或 加入时间、加入年度、入网年份）（列名在第 1 行）。"
        "请在列名行补上；下载模板可查看所有列。"
    )


def test_a_file_without_registry_sheets_lists_the_columns_expected(town):
    with pytest.raises(dataio.FileError) as error:
        dataio.run_import(xlsx({"Sheet1": [["姓名", "电话"], ["张三", "139"]]}))
    message = str(error.value)
    assert "已读取的工作表：“Sheet1”" in message
    assert "成员单位表需要 名称、类别、加入年份" in message and "结对表需要 村居" in message


# --- The formats offices have -------------------------------------------------------------


def test_an_old_xls_file_imports_with_its_title_dates_and_hidden_parts(town):
    data = xls(
        {
            "成员单位": [OFFICE_UNIT_HEADERS, office_unit_row(1, "朱泾社工站"),
                         office_unit_row(2, "被隐藏的单位")],
            "结对": [PAIRING_HEADERS,
                     pairing_row("南圩居民区", unit="朱泾社工站", started=datetime.date(2024, 3, 1))],
            "旧结对": [PAIRING_HEADERS, pairing_row("南圩居民区", unit="朱泾法庭")],
        },
        hidden_sheets={"旧结对"},
        hidden_rows={"成员单位": [5]},
    )  # fmt: skip
    preview = _import_all(data)
    assert preview.skipped_sheets == [("旧结对", "隐藏的工作表")]
    sheet, _ = _rows(preview)
    assert sheet.hidden_rows == [5]
    pairing = Pairing.objects.get(unit__name="朱泾社工站")
    assert pairing.started_on == datetime.date(2024, 3, 1)
    assert not MemberUnit.objects.filter(name="被隐藏的单位").exists()
    _assert_reimport_changes_nothing(data)


@pytest.mark.parametrize(
    "encoding, bom", [("gbk", False), ("gb18030", False), ("utf-8", False), ("utf-8", True)]
)
def test_csv_in_the_encodings_offices_save_imports(town, encoding, bom):
    rows = [["序号", "单位名称", "单位类别", "所属片区", "加入年份", "联系人", "联系电话"],
            [1, "朱泾镇社区卫生服务中心（东院）", "辖区单位", "城南", "2012", "王芳", "57321234"]]  # fmt: skip
    data = csv_bytes(rows, encoding, bom)
    _import_all(data)
    unit = MemberUnit.objects.get(name="朱泾镇社区卫生服务中心（东院）")
    assert (unit.joined_year, unit.liaison_name, unit.liaison_phone) == (2012, "王芳", "57321234")
    _assert_reimport_changes_nothing(data)


def test_excels_unicode_text_utf16_with_tabs_imports(town):
    lines = ["单位名称\t单位类别\t加入年份\t联系人", "朱泾社工站\t新社会组织\t2021\t李四"]
    data = "\r\n".join(lines).encode("utf-16")  # with its BOM, as Excel saves it
    _import_all(data)
    assert MemberUnit.objects.get(name="朱泾社工站").liaison_name == "李四"
    _assert_reimport_changes_nothing(data)


@pytest.mark.parametrize("kind", dataio.KINDS)
def test_the_apps_own_csv_and_xlsx_exports_round_trip(staff_client, town, kind):
    PairingFactory(community=town["community"], unit=town["property"], note="=先沟通")
    MemberUnit.objects.filter(pk=town["court"].pk).update(liaison_name="-张")
    for fmt in ("csv", "xlsx"):
        data = staff_client.get(reverse("units:registry-export", args=[kind, fmt])).content
        preview = dataio.run_import(data, commit=True)
        assert (preview.change_count, preview.error_count, preview.tick_count) == (0, 0, 0), (
            fmt, dataio.preview_text(preview)
        )  # fmt: skip
        (sheet,) = preview.sheets
        assert sheet.counts["unchanged"] > 0
    data = staff_client.get(reverse("units:registry-export", args=["registry", "xlsx"])).content
    _assert_reimport_changes_nothing(data)


def test_a_workbook_saved_by_wps_imports(town):
    rows = [office_unit_row(1, "朱泾社工站", "新社会组织", "城东", 2021, "李四", "13911112222")]
    data = as_wps(office_units_xlsx(rows))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert b'<dimension ref="A1"/>' in archive.read("xl/worksheets/sheet1.xml")
    assert "WPS 表格".encode() in archive.read("docProps/app.xml")
    _import_all(data)
    unit = MemberUnit.objects.get(name="朱泾社工站")
    assert (unit.liaison_name, unit.liaison_phone, unit.joined_year) == (
        "李四",
        "13911112222",
        2021,
    )
    _assert_reimport_changes_nothing(data)


def test_the_template_lists_the_other_column_names_it_accepts(staff_client, town):
    template = staff_client.get(reverse("units:registry-template")).content
    notes = load_workbook(io.BytesIO(template))["填写说明"]
    rows = {(r[0], r[1]): r[4] for r in notes.iter_rows(values_only=True)}
    assert rows[("成员单位", "联络人")] == "联系人、联络员、联系人姓名"
    assert rows[("成员单位", "片区")] == "所属片区、片区名称"


def test_a_workbook_on_the_1904_date_system_reads_its_dates_right(town):
    book = new_book()
    book.epoch = datetime.datetime(1904, 1, 1)
    sheet = book.create_sheet("结对")
    sheet.append(PAIRING_HEADERS)
    sheet.append(pairing_row("南圩居民区", unit="朱泾法庭", started=datetime.date(2024, 3, 1)))
    sheet.cell(row=2, column=7).number_format = "yyyy-mm-dd"
    # A date typed as the number WPS/Excel for Mac store: days since 1904-01-01.
    sheet.append(pairing_row("南圩居民区", unit="金山区财政局",
                             started=(datetime.date(2024, 3, 1) - datetime.date(1904, 1, 1)).days))  # fmt: skip
    data = workbook_bytes(book)
    _import_all(data)
    assert set(Pairing.objects.values_list("started_on", flat=True)) == {datetime.date(2024, 3, 1)}
    _assert_reimport_changes_nothing(data)


# --- Messages that say what to do ---------------------------------------------------------


def test_a_year_typed_into_a_date_cell_is_read_as_the_year(town):
    book = new_book()
    sheet = book.create_sheet("成员单位")
    sheet.append(["名称", "类别", "加入年份"])
    sheet.append(["朱泾社工站", "新社会组织", 2008])
    sheet.cell(row=2, column=3).number_format = "yyyy-mm-dd"  # shows as 1905-06-30
    data = workbook_bytes(book)
    _import_all(data)
    assert MemberUnit.objects.get(name="朱泾社工站").joined_year == 2008


def test_too_long_and_empty_values_get_chinese_messages_not_djangos(town):
    phone = "1390000000013900000000139000000001"
    data = xlsx({"成员单位": [UNIT_HEADERS, unit_row("朱泾社工站", 联络电话=phone),
                              unit_row("朱泾文体中心", year=None)]})  # fmt: skip
    _sheet, rows = _rows(dataio.run_import(data))
    assert rows[2].errors == [f"联络电话：“{phone}”有 34 个字符，最多 30 个；请缩短。"]
    assert rows[3].errors == ["加入年份：此列不能为空，请填写。"]


def test_out_of_range_numbers_and_bad_emails_get_chinese_messages_not_djangos(town):
    data = xlsx(
        {
            "成员单位": [UNIT_HEADERS, unit_row("朱泾社工站", year=1990, 联络邮箱="zhang@")],
            "结对": [PAIRING_HEADERS, pairing_row("南圩居民区", unit="朱泾法庭", **{"走访周期（天）": 400})],
        }
    )
    preview = dataio.run_import(data)
    _sheet, units = _rows(preview)
    _sheet, pairings = _rows(preview, dataio.PAIRINGS)
    assert sorted(units[2].errors) == [
        "加入年份：“1990”超出范围：请填写 1997 到 2100 之间的数。",
        "联络邮箱：“zhang@”不是电子邮箱地址；请写成 name@example.com 的形式。",
    ]
    assert pairings[2].errors == ["走访周期（天）：“400”超出范围：请填写 7 到 366 之间的数。"]


def test_a_second_active_pairing_says_how_to_update_the_first(town):
    existing = PairingFactory(community=town["community"], unit=town["court"],
                              started_on=datetime.date(2020, 1, 1))  # fmt: skip
    data = xlsx(
        {"结对": [PAIRING_HEADERS, pairing_row("南圩居民区", unit="朱泾法庭", mode="共驻共建")]}
    )
    _sheet, rows = _rows(dataio.run_import(data), dataio.PAIRINGS)
    assert rows[2].errors == [
        (
            f"南圩居民区 与 朱泾法庭 已有一条有效的结对（编号 {existing.pk}）。要修改它，"
            f"请在这一行填写编号 {existing.pk}；要新建结对，请先结束原结对（填写其状态和结束日期）。"
        )
    ]


# --- A busy office ------------------------------------------------------------------------


def test_a_confirm_after_a_colleagues_edit_writes_nothing_and_names_the_row(staff_client, town):
    data = xlsx({"成员单位": [["名称", "类别", "级别", "加入年份", "联系人"],
                              ["金山区财政局", "市、区级机关", "区级", 2005, "赵六"],
                              ["朱泾社工站", "新社会组织", "", 2024, "李四"]]})  # fmt: skip
    token = _upload(staff_client, data).context["token"]
    MemberUnit.objects.filter(pk=town["finance"].pk).update(liaison_phone="57319999")
    response = staff_client.post(CONFIRM, {"token": token})
    assert response.context["rolled_back"] is True
    _sheet, rows = _rows(response.context["preview"])
    assert rows[2].status == "error"
    assert "预览之后有人修改了这条记录（联络电话：57310000 → 57319999）" in rows[2].errors[0]
    finance = MemberUnit.objects.get(pk=town["finance"].pk)
    assert (finance.liaison_name, finance.liaison_phone) == ("", "57319999")
    assert not MemberUnit.objects.filter(name="朱泾社工站").exists()


def test_a_confirm_after_someone_created_the_same_name_writes_nothing(staff_client, town):
    data = xlsx(
        {
            "成员单位": [
                ["名称", "类别", "加入年份", "联系人"],
                ["朱泾社工站", "新社会组织", 2024, "李四"],
            ]
        }
    )
    token = _upload(staff_client, data).context["token"]
    other = MemberUnitFactory(name="朱泾社工站", category="social_org", level="", liaison_name="")
    response = staff_client.post(CONFIRM, {"token": token})
    _sheet, rows = _rows(response.context["preview"])
    assert rows[2].errors == [
        f"预览之后有人新建了同名记录（编号 {other.pk}）；请重新上传文件查看。"
    ]
    other.refresh_from_db()
    assert other.liaison_name == ""


def test_a_long_file_name_never_fails_the_rows(staff_client, staff, town):
    name = "朱泾镇区域化党建成员单位名单" * 8 + ".xlsx"
    data = xlsx({"成员单位": [UNIT_HEADERS, unit_row("朱泾社工站")]})
    token = _upload(staff_client, data, name).context["token"]
    staff_client.post(CONFIRM, {"token": token})
    record = MemberUnit.objects.get(name="朱泾社工站").history.get()
    assert record.history_change_reason.startswith("从 朱泾镇区域化党建成员单位名单")
    assert len(record.history_change_reason) <= 100


def test_the_command_reads_at_most_the_size_limit(tmp_path, town):
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as f:
        f.write(b"PK\x03\x04")
        f.truncate(1024**3)  # 1 GB, sparse on disk
    tracemalloc.start()
    with pytest.raises(CommandError, match="大于 5 MB"):
        call_command("import_registry", str(path))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 3 * dataio.MAX_UPLOAD_BYTES
    os.unlink(path)


def test_the_command_leaves_out_renames_unless_told(tmp_path, town, capsys):
    path = tmp_path / "units.xlsx"
    headers = ["编号", "名称", "类别", "加入年份"]
    path.write_bytes(
        xlsx({"成员单位": [headers, [town["court"].pk, "朱泾人民法庭", "辖区单位", 2020]]})
    )
    call_command("import_registry", str(path))
    assert "未导入（未勾选）" in capsys.readouterr().out
    assert MemberUnit.objects.get(pk=town["court"].pk).name == "朱泾法庭"
    call_command("import_registry", str(path), "--accept-all")
    assert MemberUnit.objects.get(pk=town["court"].pk).name == "朱泾人民法庭"


# --- Several messes at once ---------------------------------------------------------------


def test_a_file_with_every_mess_at_once_imports_what_it_means(staff_client, town):
    book = new_book()
    stale = book.create_sheet("成员单位 (2)")
    stale.append(UNIT_HEADERS)
    stale.append(unit_row("旧副本单位"))
    stale.sheet_state = "hidden"
    units = titled_sheet(book, "成员单位", ["序号", "单位名称", "单位类别", "所属片区", "加入年份",
                                          "联系人", "联系\n电话", "备注"], [
        [1, "新华物业有限公司(朱泾)", "新经济组织", "城南", 2019, "钱七", "13900001111", "老单位"],
        [2, "金山区\u3000财政局", "市、区级机关", "城南", 2005, "", "57310000", ""],
        [3, "金山区财正局", "辖区单位", "城南", 2005, "", "", "笔误"],
        [4, "筛掉的单位", "新经济组织", "城南", 2019, "", "", ""],
        [5, "朱泾社工站\u200b", "新社会组织", "城东", 2024, "李四", "13911112222", ""],
    ])  # fmt: skip
    units.row_dimensions[7].hidden = True
    pairings = titled_sheet(book, "结对", ["序号", "村居名称", "结对单位", "结对日期", "走访周期"], [
        [1, "南圩居民区", "朱泾社工站", "2024年3月1日", 60],
    ])  # fmt: skip
    pairings.column_dimensions["A"].width = 6
    data = workbook_bytes(book)
    response = _upload(staff_client, data, "朱泾名册（2019年）.xlsx")
    preview = response.context["preview"]
    assert preview.skipped_sheets == [("成员单位 (2)", "隐藏的工作表")]
    sheet, rows = _rows(preview)
    assert sheet.hidden_rows == [7]
    assert ("备注", "不是本表的列") in sheet.ignored_columns
    assert (rows[4].status, rows[4].match, rows[4].changes) == (
        "changed",
        "name",
        [("联络人", "—", "钱七"), ("联络电话", "—", "13900001111")],
    )
    assert (rows[5].status, rows[5].record) == ("unchanged", town["finance"].pk)
    assert (rows[6].status, rows[6].similar) == ("new", ["金山区财政局"])
    assert (rows[8].status, rows[8].label) == ("new", "朱泾社工站")
    token = response.context["token"]
    staff_client.post(CONFIRM, {"token": token})  # the typo is not ticked: left out
    assert not MemberUnit.objects.filter(name="金山区财正局").exists()
    assert Pairing.objects.get(unit__name="朱泾社工站").visit_cadence_days == 60
    assert MemberUnit.objects.count() == 4
    # The same file again: only the typo row is still asked about; nothing else changes.
    preview = dataio.run_import(data)
    assert preview.change_count == 1 and preview.tick_count == 1 and preview.error_count == 0
