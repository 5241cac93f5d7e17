import pytest
from django.urls import reverse

from tests.factories import MemberUnitFactory, UserFactory
from tests.queries import assert_same_queries, get_queries

pytestmark = pytest.mark.django_db

URL = reverse("accounts:user-list")


def test_it_lists_liaison_accounts_for_staff(staff_client, liaison, other_liaison):
    response = staff_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "联络员账号" in body
    assert "bob" in body and "carol" in body
    assert "测试区财政局" in body
    assert "alice" not in body.split("<table")[1]  # staff accounts are not listed


def test_it_hides_deactivated_accounts_unless_asked(staff_client, liaison):
    liaison.is_active = False
    liaison.save()
    assert "bob" not in staff_client.get(URL).content.decode().split("<table")[1]
    assert "bob" in staff_client.get(URL, {"status": "inactive"}).content.decode()


def test_it_searches_by_unit_name(staff_client, liaison, other_liaison):
    body = staff_client.get(URL, {"q": "法庭"}).content.decode().split("<table")[1]
    assert "carol" in body
    assert "bob" not in body


@pytest.mark.parametrize("persona", ["liaison_client", "other_liaison_client"])
def test_it_is_for_staff_only(request, persona):
    assert request.getfixturevalue(persona).get(URL).status_code == 403


def test_it_sends_anonymous_visitors_to_login(anon):
    response = anon.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_uses_the_same_number_of_queries_for_2_and_20_accounts(staff_client):
    for _ in range(2):
        UserFactory(unit=MemberUnitFactory())
    small = get_queries(staff_client, URL)
    for _ in range(18):
        UserFactory(unit=MemberUnitFactory())
    assert_same_queries(small, get_queries(staff_client, URL))
