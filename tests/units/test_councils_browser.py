"""The district's list of councils and a council's board under its prefix, in chromium."""

import pytest

from tests.factories import CommunityFactory, DistrictFactory, ProjectFactory, UserFactory
from units.models import Council

pytestmark = pytest.mark.browser


@pytest.fixture
def tinglin(transactional_db):
    Council.first_id()
    council = Council.objects.create(
        name="亭林镇", network_name="亭林同心", slug="tinglin", position=2
    )
    Council.objects.create(name="金山卫镇", slug="jinshanwei", position=3)
    district = DistrictFactory(name="测试亭林东片", council=council)
    community = CommunityFactory(name="测试亭林村", district=district)
    ProjectFactory(title="测试亭林亮灯工程", community=community)
    return council


def _fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [375, 1366])
def test_the_councils_page_fits_and_leads_to_a_councils_board(new_browser_page, tinglin, width):
    page = new_browser_page(width=width)
    page.goto("/councils/")
    assert page.locator("h1").inner_text() == "全区联席会议"
    page.screenshot(f"councils-{width}")
    assert _fits(page, width)

    page.click("text=亭林镇“亭林同心”")
    page.wait_for_load_state()
    assert page.url.endswith("/c/tinglin/")
    assert page.locator(".brand-text").inner_text() == "亭林镇“亭林同心”"
    assert page.locator("h1").inner_text() == "“亭林同心”区域化党建"
    assert page.errors == []


def test_a_councils_board_under_its_prefix_keeps_the_prefix(phone_page, tinglin):
    phone_page.goto("/c/tinglin/projects/")
    assert phone_page.title().endswith("亭林镇区域化党建") or "亭林" in phone_page.title()
    assert phone_page.locator(".brand-text").inner_text() == "亭林镇“亭林同心”"
    assert "测试亭林亮灯工程" in phone_page.content()
    phone_page.screenshot("council-board-prefixed-375")
    assert _fits(phone_page, 375)

    phone_page.click("summary.menu-button")
    phone_page.click("nav.site-nav >> text=1+5+N")
    phone_page.wait_for_load_state()
    assert phone_page.url.endswith("/c/tinglin/structure/")
    phone_page.screenshot("council-structure-prefixed-375")
    assert _fits(phone_page, 375)
    assert phone_page.errors == []


def test_office_pages_still_fit_with_the_councils_link_in_the_menu(new_browser_page, tinglin):
    staff = UserFactory(username="wang", is_staff=True, display_name="党建办小王")
    for width in (1366, 375):
        page = new_browser_page(width=width)
        page.sign_in_as(staff)
        page.goto("/registry/units/")
        page.screenshot(f"council-menu-staff-{width}")
        assert _fits(page, width)
        assert page.errors == []
