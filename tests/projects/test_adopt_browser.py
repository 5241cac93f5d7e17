"""On a phone: scan the QR link, log in, adopt; the projector's screen counts it."""

import re

import pytest
from django.urls import reverse

from projects.models import Adoption
from tests.factories import PASSWORD, JointMeetingFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_adopts_from_the_qr_link_and_the_screen_counts_it(
    new_browser_page, live_server, liaison, unit_a
):
    from django.core.cache import cache
    from playwright.sync_api import expect

    cache.clear()  # an earlier test may have cached a screen under a reused primary key
    meeting = JointMeetingFactory(title="“心联鑫”区域化党建联席会议", adoption_open=True)
    project = ProjectFactory(title="爱五路亮灯工程", description="为爱五路安装路灯，方便居民夜间出行。")

    screen = new_browser_page()
    screen.goto(reverse("projects:meeting-screen", args=[meeting.pk]))
    expect(screen.locator("#screen-units")).to_have_text("0")
    screen.screenshot("meeting-screen-before")

    # The URL the QR code encodes.
    qr = screen.request.get(live_server.url + reverse("projects:project-qr", args=[project.pk]))
    assert qr.headers["content-type"] == "image/svg+xml"
    adopt_url = live_server.url + reverse("projects:project-adopt", args=[project.pk])

    phone = new_browser_page()
    phone.goto(adopt_url)
    expect(phone.page).to_have_url(re.compile(r"/accounts/login/"))
    phone.fill("input[name=username]", liaison.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.get_by_role("button", name="登录").click()

    expect(phone.page).to_have_url(adopt_url)
    expect(phone.get_by_role("heading", name="爱五路亮灯工程")).to_be_visible()
    phone.fill("textarea[name=commitment]", "出资安装路灯二十盏")
    phone.screenshot("adopt-form-375")
    phone.get_by_role("button", name="确认认领").click()
    expect(phone.locator(".adopt-won")).to_contain_text("贵单位已认领此项目")
    expect(phone.locator("#adopt-count")).to_contain_text("已认领 1 / 1")
    phone.screenshot("adopt-done-375")
    assert Adoption.objects.filter(project=project, unit=unit_a).exists()

    # The projector's page polls every 3 s and shows the new totals without a reload.
    expect(screen.locator("#screen-units")).to_have_text("1", timeout=10000)
    expect(screen.locator("#screen-projects")).to_have_text("1")
    expect(screen.locator(".screen-recent")).to_contain_text(unit_a.name)
    screen.screenshot("meeting-screen-after")


def test_a_loser_adopts_an_offered_project_with_the_commitment_edited(
    phone_page, liaison, unit_a, unit_b
):
    from playwright.sync_api import expect

    from projects import actions

    meeting = JointMeetingFactory(adoption_open=True)
    taken = ProjectFactory(title="爱五路亮灯工程", category="construction", capacity=1)
    ProjectFactory(title="社区合唱团周末排练", category="culture")
    choir = ProjectFactory(title="中小河道整治志愿巡河", category="construction")
    phone_page.sign_in_as(liaison)
    phone_page.goto(reverse("projects:project-adopt", args=[taken.pk]))
    phone_page.fill("textarea[name=commitment]", "出资安装路灯二十盏")
    actions.adopt(taken, unit_b, meeting)  # another unit was quicker
    phone_page.get_by_role("button", name="确认认领").click()

    offers = phone_page.locator("form.offers")
    expect(offers).to_be_visible()
    field = offers.locator("textarea[name=commitment]")
    expect(field).to_have_value("出资安装路灯二十盏")  # shown, and editable
    buttons = offers.locator("button[formaction]")
    expect(buttons).to_have_count(2)
    expect(buttons.first).to_contain_text("中小河道整治志愿巡河")  # same category first
    for i in range(2):
        assert buttons.nth(i).bounding_box()["height"] >= 44
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    phone_page.screenshot("adopt-lost-offers-375")

    field.fill("每月组织志愿者巡河两次")
    buttons.first.click()
    expect(phone_page.locator(".adopt-won")).to_contain_text("贵单位已认领此项目")
    expect(phone_page.page).to_have_url(re.compile(rf"/projects/{choir.pk}/adopt/"))
    phone_page.screenshot("adopt-offer-won-375")
    adoption = Adoption.objects.get(project=choir, unit=unit_a)
    assert adoption.commitment == "每月组织志愿者巡河两次"
    assert phone_page.errors == []
