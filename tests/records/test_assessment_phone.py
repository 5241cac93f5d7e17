"""The year-end assessment on a 375 px phone: the unit column and the header stay in sight
while the figures scroll under them; the sort menu and the legend say what they mean."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, MemberUnitFactory

YEAR = datetime.date.today().year


@pytest.mark.browser
def test_it_keeps_unit_names_and_headings_in_sight_on_a_phone(phone_page, staff):
    for i in range(40):
        MemberUnitFactory(name=f"上海市金山区朱泾镇第{i:02d}号成员单位")
    page = phone_page
    page.login("alice", PASSWORD)
    assert page.goto(f"/office/assessment/{YEAR}/").status == 200
    wrap = page.locator(".table-wrap-assessment")
    wrap.scroll_into_view_if_needed()
    first_name = page.locator(".table-assessment tbody th[scope=row]").first
    header = page.locator(".table-assessment thead th").nth(2)
    before_name, before_head = first_name.bounding_box(), header.bounding_box()
    # Sideways: the figures move, the unit names do not.
    wrap.evaluate("el => el.scrollBy(400, 0)")
    after_name = first_name.bounding_box()
    assert after_name["x"] == pytest.approx(before_name["x"], abs=1)
    assert page.locator(".table-assessment tbody td").first.bounding_box()["x"] < before_name["x"] + 100
    # Down: the heading row stays at the top of the box.
    wrap.evaluate("el => el.scrollBy(0, 600)")
    after_head = header.bounding_box()
    assert after_head["y"] == pytest.approx(before_head["y"], abs=1)
    # The name column leaves room for the figures on a 343 px box.
    assert 120 <= after_name["width"] <= 150
    # What the eye sees in the top left corner: a name, not a figure.
    corner = page.evaluate(
        "() => { const r = document.querySelector('.table-wrap-assessment').getBoundingClientRect();"
        " const el = document.elementFromPoint(r.left + 20, r.top + 80); return el.closest('th') !== null; }"
    )
    assert corner
    page.screenshot("records-assessment-sticky-375", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.errors == []


@pytest.mark.django_db
def test_its_sort_menu_and_legend_say_what_they_mean(staff_client):
    html = staff_client.get(reverse("records:assessment", args=[YEAR])).content.decode()
    assert "个项目已被认领" not in html
    assert '<option value="adopted">认领项目数</option>' in html
    assert "没有资源对接" not in html and "尚无资源对接" not in html
    assert reverse("projects:three-lists") in html
