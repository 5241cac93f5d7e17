"""Shared signed-in pages in Debian's chromium: the copy served to a second user of an
audience carries that user's own header, fits the phone, and its menu opens."""

import pytest

from tests.factories import MemberUnitFactory, PairingFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.browser


def _fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def _second_user_sees(new_browser_page, first, second, path, width, name):
    for user in (first, second):  # the first stores the copy, the second is served it
        page = new_browser_page(width=width)
        page.sign_in_as(user)
        response = page.goto(path)
    assert response.headers.get("x-page-cache") == "hit"
    assert _fits(page, width)
    menu = page.locator("summary.menu-button")
    if menu.is_visible():  # a phone's menu; a wide screen shows the links at once
        menu.click()
    logout = page.locator("nav.site-nav button", has_text=str(second))
    assert logout.is_visible()
    if width <= 375:
        assert logout.bounding_box()["height"] >= 40  # a thumb's target on the phone
    assert str(first) not in page.content()
    page.screenshot(name)
    assert page.errors == []
    return page


def test_a_second_staff_member_gets_the_shared_registry_with_their_own_header(new_browser_page):
    MemberUnitFactory(name="朱泾镇测试单位")
    first = UserFactory(username="wang", is_staff=True, display_name="党建办小王")
    second = UserFactory(username="li", is_staff=True, display_name="党建办小李")
    for width in (1366, 375):
        _second_user_sees(
            new_browser_page, first, second, "/registry/units/", width, f"shared-unit-list-{width}"
        )


def test_a_second_liaison_of_a_unit_gets_its_pairings_with_their_own_header(new_browser_page):
    unit = MemberUnitFactory(name="测试区财政局")
    PairingFactory(unit=unit, community__name="测试鲍家村")
    ProjectFactory(title="测试亮灯工程")
    first = UserFactory(username="bob", unit=unit, display_name="财政局联络员甲")
    second = UserFactory(username="bea", unit=unit, display_name="财政局联络员乙")
    _second_user_sees(new_browser_page, first, second, "/my/pairings/", 375, "shared-my-pairings-375")
    _second_user_sees(new_browser_page, first, second, "/projects/", 375, "shared-board-liaison-375")
