"""Office staff log in, enter a pairing through the form, and see it on the structure page."""

import pytest
from playwright.sync_api import expect
from django.urls import reverse

from tests.factories import PASSWORD, CommunityFactory, MemberUnitFactory, UserFactory
from units.models import Pairing

pytestmark = pytest.mark.browser


def _swap_counterpart(page, action):
    """Do ``action`` and wait until htmx has swapped in fresh counterpart fields."""
    page.evaluate("document.getElementById('counterpart').dataset.stale = 'yes'")
    action()
    page.wait_for_selector("#counterpart:not([data-stale])", state="attached")


def test_it_enters_a_pairing_and_shows_it_on_the_structure_page(
    phone_page, live_server
):
    page = phone_page
    UserFactory(username="alice", is_staff=True, display_name="党建办小王")
    community = CommunityFactory(name="万联村")
    CommunityFactory(name="示例居民区01", kind="residential")
    MemberUnitFactory(name="金山区财政局")
    MemberUnitFactory(name="示例新经济组织01", category="enterprise")

    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(live_server.url + reverse("home"))

    page.click("summary.menu-button")  # on a phone the menu opens first
    page.click(f"nav a[href='{reverse('units:pairing-create')}']")
    page.wait_for_url("**" + reverse("units:pairing-create"))
    assert page.locator("h1").inner_text() == "新建结对"

    # Choosing the community refreshes the counterpart fields (htmx).
    _swap_counterpart(page, lambda: page.select_option("#id_community", label="万联村"))
    # Choosing the unit preselects the only fitting mode.
    _swap_counterpart(page, lambda: page.select_option("#id_unit", label="金山区财政局"))
    expect(page.locator("#id_mode")).to_have_value("co_resident")
    page.select_option("#id_programme", value="double_hundred")
    page.fill("#id_visit_cadence_days", "30")
    # Viewport only: a full-page screenshot resizes the page and can move the button.
    page.screenshot("pairing-form", full_page=False)
    page.get_by_role("button", name="保存结对").click()
    page.wait_for_url("**" + reverse("units:community-detail", args=[community.pk]))
    assert "已新增结对" in page.content()

    pairing = Pairing.objects.get()
    assert (pairing.community.name, pairing.unit.name, pairing.mode) == (
        "万联村", "金山区财政局", "co_resident"
    )

    district = f"?district={pairing.community.district_id}"  # the 片区 names its pairings
    response = page.goto(live_server.url + reverse("units:structure") + district)
    assert response.status == 200
    body = page.content()
    page.screenshot("structure-with-new-pairing")
    assert "万联村" in body and "金山区财政局" in body
