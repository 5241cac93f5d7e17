"""The board and the need form on a phone, in Debian's chromium."""

import pytest

from projects.models import Need
from tests.factories import CommunityFactory, ProjectFactory

pytestmark = pytest.mark.browser


def _fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_it_filters_the_board_in_place_and_pushes_the_url(phone_page, live_server):
    community = CommunityFactory(name="五龙村")
    ProjectFactory(title="飘香书屋", category="culture", community=community)
    ProjectFactory(title="爱五路亮灯工程", category="construction", community=community)
    phone_page.goto(live_server.url + "/projects/")
    assert _fits_the_phone(phone_page)
    assert phone_page.locator(".project-card").count() == 2
    phone_page.select_option("select[name=category]", "culture")
    phone_page.wait_for_url("**category=culture**")
    phone_page.wait_for_function("document.querySelectorAll('.project-card').length === 1")
    assert "飘香书屋" in phone_page.locator("#results").inner_text()
    assert phone_page.locator("h1").count() == 1  # swapped the results, not the whole page
    # The category chips work the same way.
    phone_page.click("a.chip[data-category=construction]")
    phone_page.wait_for_url("**category=construction**")
    phone_page.wait_for_function("document.querySelectorAll('.project-card').length === 1")
    assert "爱五路亮灯工程" in phone_page.locator("#results").inner_text()
    assert not [e for e in phone_page.console_errors if "Content Security Policy" in e]


def test_a_resident_raises_a_need_and_tracks_it(phone_page, live_server):
    community = CommunityFactory(name="钟楼居委会")
    phone_page.goto(live_server.url + "/needs/new/")
    assert _fits_the_phone(phone_page)
    assert not phone_page.is_visible("input[name=website]") or phone_page.locator(
        "input[name=website]"
    ).bounding_box()["x"] < 0
    phone_page.select_option("select[name=community]", str(community.pk))
    phone_page.select_option("select[name=category]", "construction")
    phone_page.fill("textarea[name=text]", "小区路面坑洼，雨天积水，希望修一修。")
    phone_page.fill("input[name=contact_phone]", "13812345678")
    phone_page.click("main form button[type=submit]")
    phone_page.wait_for_url("**/needs/track/**")
    assert "待审核" in phone_page.content()
    assert "13812345678" not in phone_page.content()
    assert Need.objects.get().status == Need.Status.PENDING
