import pytest
from django.urls import reverse

from tests.factories import AdoptionFactory, MemberUnitFactory, PairingFactory, UserFactory
from units.models import MemberUnit

pytestmark = pytest.mark.django_db


def _delete_url(unit):
    return reverse("units:unit-delete", args=[unit.pk])


def test_it_refuses_to_delete_a_paired_unit_and_offers_deactivation(staff_client, unit_a):
    PairingFactory(unit=unit_a)
    page = staff_client.get(_delete_url(unit_a))
    body = page.content.decode()
    assert page.status_code == 200
    assert "该成员单位不能删除" in body
    assert "1 个结对" in body
    assert f'action="{reverse("units:unit-deactivate", args=[unit_a.pk])}"' in body
    assert "改为标记为已退出" in body

    refused = staff_client.post(_delete_url(unit_a))
    assert refused.status_code == 409
    assert MemberUnit.objects.filter(pk=unit_a.pk).exists()


@pytest.mark.parametrize("relation", ["adoption", "liaison"])
def test_it_refuses_to_delete_units_with_adoptions_or_liaisons(staff_client, relation):
    unit = MemberUnitFactory()
    if relation == "adoption":
        AdoptionFactory(unit=unit)
    else:
        UserFactory(unit=unit)
    assert staff_client.post(_delete_url(unit)).status_code == 409
    assert MemberUnit.objects.filter(pk=unit.pk).exists()


def test_it_deactivates_from_the_refusal_page(staff_client, unit_a):
    PairingFactory(unit=unit_a)
    response = staff_client.post(reverse("units:unit-deactivate", args=[unit_a.pk]))
    assert response.status_code == 302
    unit_a.refresh_from_db()
    assert unit_a.is_active is False and unit_a.left_on is not None
    detail = staff_client.get(reverse("units:unit-detail", args=[unit_a.pk])).content.decode()
    assert "已退出" in detail


def test_it_reactivates_a_unit(staff_client, unit_a):
    unit_a.deactivate()
    staff_client.post(reverse("units:unit-reactivate", args=[unit_a.pk]))
    unit_a.refresh_from_db()
    assert unit_a.is_active is True and unit_a.left_on is None


def test_it_deletes_a_unit_nothing_refers_to(staff_client):
    unit = MemberUnitFactory(name="误录入单位")
    page = staff_client.get(_delete_url(unit)).content.decode()
    assert "永久删除" in page
    response = staff_client.post(_delete_url(unit))
    assert response.status_code == 302
    assert not MemberUnit.objects.filter(pk=unit.pk).exists()


def test_it_records_the_date_a_unit_left(staff_client, unit_a):
    url = reverse("units:unit-deactivate", args=[unit_a.pk])
    staff_client.post(url, {"left_on": "2025-06-30"})
    unit_a.refresh_from_db()
    assert unit_a.is_active is False and str(unit_a.left_on) == "2025-06-30"


def test_it_refuses_a_future_leaving_date_in_chinese(staff_client, unit_a):
    url = reverse("units:unit-deactivate", args=[unit_a.pk])
    response = staff_client.post(url, {"left_on": "2999-01-01"}, follow=True)
    unit_a.refresh_from_db()
    assert unit_a.is_active is True
    assert "退出日期不能晚于今天" in response.content.decode()
