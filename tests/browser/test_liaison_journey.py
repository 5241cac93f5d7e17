"""A liaison on a phone: log in, record a visit to a paired community."""

import pytest

from tests.factories import PASSWORD, PairingFactory
from units.models import Visit

pytestmark = pytest.mark.browser


def test_it_lets_a_liaison_record_a_visit_on_a_phone(phone_page, liaison, unit_a):
    pairing = PairingFactory(unit=unit_a, community__name="测试东林村")
    page = phone_page

    page.login("bob", PASSWORD)
    page.goto("/my/pairings/")
    assert "测试东林村" in page.content()
    page.screenshot("liaison-my-pairings")

    page.click("text=记录走访")
    page.fill("textarea[name=activities]", "为三户困难家庭送去米油")
    page.fill("input[name=households_visited]", "3")
    page.screenshot("liaison-visit-form")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/my/pairings/")

    visit = Visit.objects.get(pairing=pairing)
    assert visit.households_visited == 3
    assert visit.recorded_by == liaison
    assert "/my/pairings/" in page.url
    assert page.errors == []
