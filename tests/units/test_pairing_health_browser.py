"""Pairing health in the browser: usable on a phone and at a desk, nothing scrolls sideways."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import PASSWORD, CommunityFactory, DistrictFactory, PairingFactory, VisitFactory

D = datetime.timedelta


@pytest.fixture
def pairings(staff):
    today = timezone.localdate()
    south, north = DistrictFactory(name="城南片区"), DistrictFactory(name="东部农村片区")
    made = []
    for i, (district, days) in enumerate([(south, 40), (south, 95), (north, 5), (north, None), (south, 200)]):
        pairing = PairingFactory(
            community=CommunityFactory(district=district, name=f"健康测试居民区{i}"),
            unit__name=f"上海市金山区某某长名称的成员单位第{i}号",
            unit__liaison_name="王联络",
            visit_cadence_days=90,
            started_on=today - D(300),
            programme="double_hundred" if i % 2 else "",
        )
        if days is not None:
            VisitFactory(pairing=pairing, visited_on=today - D(days))
        made.append(pairing)
    return made


@pytest.mark.parametrize("width", [375, 1366])
def test_the_health_pages_fit_the_screen(new_browser_page, pairings, width):
    page = new_browser_page(width=width, height=812)
    page.login("alice", PASSWORD)
    paths = {
        "health": "/registry/pairings/health/",
        "unit": f"/registry/units/{pairings[4].unit_id}/",
        "community": f"/registry/communities/{pairings[0].community_id}/",
        "structure": "/structure/?health=1",
    }
    for name, path in paths.items():
        assert page.goto(path).status == 200, path
        page.screenshot(f"pairing-health-{name}-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert page.errors == []


def test_the_office_filters_the_health_page_on_a_phone(new_browser_page, pairings):
    page = new_browser_page()
    page.login("alice", PASSWORD)
    page.goto("/registry/pairings/health/")
    assert page.locator(".health-row").count() == 5
    page.select_option("#id_district", label="东部农村片区")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".health-row").count() == 2
    assert page.locator(".health-row .health").first.inner_text() == "未走访"
    assert page.errors == []


def test_it_filters_by_health_and_pages_on_a_phone(phone_page, staff):
    today = timezone.localdate()
    district = DistrictFactory(name="城西片区")
    for i in range(30):
        pairing = PairingFactory(
            community=CommunityFactory(district=district, name=f"分页测试村{i}"),
            visit_cadence_days=30,
            started_on=today - D(400),
        )
        # 24 overdue (by 1 to 24 days), 6 fine.
        VisitFactory(pairing=pairing, visited_on=today - D(31 + i if i < 24 else 5))
    page = phone_page
    page.login("alice", PASSWORD)
    page.goto("/registry/pairings/health/")
    assert page.locator(".health-row").count() == 20
    page.select_option("#id_health", label="逾期")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".health-row").count() == 20
    assert page.locator(".health-row .health-overdue").count() == 20
    page.screenshot("pairing-health-overdue-375")
    assert page.evaluate("document.documentElement.scrollHeight") < 12000
    page.click(".pagination a:has-text('下一页')")
    page.wait_for_load_state()
    assert page.locator(".health-row").count() == 4
    assert "health=overdue" in page.url
    # The counts' pills keep each label on one line: as tall as one line of text.
    heights = page.eval_on_selector_all(
        ".table-counts .health", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and max(heights) < 30, heights
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot("pairing-health-overdue-page2-375")
    assert page.errors == []
