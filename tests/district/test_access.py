"""Only district staff (office staff of no council) see the district's pages: office staff
of a council, liaisons and visitors do not."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.district.conftest import YEAR
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URLS = [
    reverse("district:rollup"),
    reverse("district:report", args=[YEAR]),
    reverse("district:report-pdf", args=[YEAR]),
]


@pytest.mark.parametrize("url", URLS)
def test_district_staff_may_see_it(dora_client, url):
    assert dora_client.get(url).status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_office_staff_of_a_council_may_not(staff, zhujing, url):
    staff.council = zhujing
    staff.save()
    client = Client()
    client.force_login(staff)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_a_liaison_may_not(liaison_client, url):
    assert liaison_client.get(url).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_a_visitor_is_sent_to_log_in(anon, url):
    response = anon.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_deactivated_district_account_may_not(dora, client):
    dora.is_active = False
    dora.save()
    client.force_login(dora)
    assert client.get(URLS[0]).status_code in (302, 403)


def test_it_answers_no_post(dora_client):
    assert dora_client.post(URLS[0]).status_code in (403, 405)  # district staff write nothing


def test_the_menu_links_the_roll_up_for_district_staff_only(dora_client, staff_client, zhujing):
    link = f'href="{reverse("district:rollup")}"'
    assert link in dora_client.get(reverse("home")).content.decode()
    staff = UserFactory(username="erin", is_staff=True, council=zhujing)
    client = Client()
    client.force_login(staff)
    assert link not in client.get(reverse("home")).content.decode()
