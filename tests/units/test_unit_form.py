import pytest
from django.urls import reverse

from units.models import MemberUnit

pytestmark = pytest.mark.django_db

CREATE = reverse("units:unit-create")
GOOD = {
    "name": "示例区级机关99",
    "category": "organ",
    "level": "district",
    "party_org_name": "示例机关党委",
    "district": "",
    "joined_year": "2005",
    "liaison_name": "王联络",
    "liaison_phone": "138-0000-1234",
    "liaison_email": "wang@example.com",
}


def _errors(response):
    assert response.status_code == 200
    return response.context["form"].errors


def test_it_creates_a_unit(staff_client):
    response = staff_client.post(CREATE, GOOD)
    unit = MemberUnit.objects.get(name="示例区级机关99")
    assert response.status_code == 302
    assert response["Location"] == reverse("units:unit-detail", args=[unit.pk])
    assert unit.level == "district" and unit.is_active


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"level": ""}, "level", "机关党组织须选择市级或区级"),
        ({"category": "enterprise", "level": "city"}, "level", "只有机关党组织才有级别"),
        ({"joined_year": "1996"}, "joined_year", "1997"),
        ({"joined_year": "abc"}, "joined_year", "整数"),
        ({"liaison_email": "not-an-email"}, "liaison_email", "有效的 Email"),
        ({"liaison_phone": "call me"}, "liaison_phone", "电话号码"),
        ({"name": ""}, "name", "这个字段是必填项"),
        ({"category": "nonsense"}, "category", "选择一个有效的选项"),
    ],
)
def test_it_answers_bad_input_with_chinese_field_errors(staff_client, change, field, message):
    errors = _errors(staff_client.post(CREATE, {**GOOD, **change}))
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not MemberUnit.objects.filter(name=GOOD["name"]).exists()


def test_it_shows_the_error_next_to_the_field(staff_client):
    body = staff_client.post(CREATE, {**GOOD, "level": ""}).content.decode()
    field = body[body.index('id="field-level"'):]
    field = field[: field.index("</div>")]
    assert "机关党组织须选择市级或区级" in field


def test_it_refuses_a_duplicate_name_in_chinese(staff_client, unit_a):
    errors = _errors(staff_client.post(CREATE, {**GOOD, "name": unit_a.name}))
    assert "已存在" in " ".join(errors["name"])


def test_it_edits_a_unit_and_records_who_changed_what(staff_client, staff, unit_a):
    url = reverse("units:unit-edit", args=[unit_a.pk])
    data = {**GOOD, "name": unit_a.name, "party_org_name": "新的党组织名称"}
    assert staff_client.post(url, data).status_code == 302
    unit_a.refresh_from_db()
    assert unit_a.party_org_name == "新的党组织名称"
    record = unit_a.history.first()
    assert record.history_user == staff
    detail = staff_client.get(reverse("units:unit-detail", args=[unit_a.pk])).content.decode()
    assert "新的党组织名称" in detail and "党建办小王" in detail


def test_it_answers_bad_edit_input_without_saving(staff_client, unit_a):
    url = reverse("units:unit-edit", args=[unit_a.pk])
    errors = _errors(staff_client.post(url, {**GOOD, "name": unit_a.name, "joined_year": "1990"}))
    assert "joined_year" in errors
    unit_a.refresh_from_db()
    assert unit_a.joined_year == 2005
