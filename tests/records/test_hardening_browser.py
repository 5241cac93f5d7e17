"""In a real browser with the CSP enforced: the office confirms one contribution in the
middle of a long list and stays where it was (the row is swapped in place), then confirms
several at once; the unit record of a busy year pages its long lists. Screenshots at 375
and 1366 px in test-artifacts/."""

import datetime

import pytest

from records.models import Contribution
from tests.records.conftest import busy_year, make_contribution

pytestmark = pytest.mark.browser

YEAR = datetime.date.today().year - 1

SMALL_TARGETS = """() => [...document.querySelectorAll('main a, main button, main input, main label.tick')]
  .filter(e => e.offsetParent !== null && e.type !== 'hidden')
  .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])
  .filter(([html, h]) => h < 40 && !html.startsWith('<input type="checkbox"'))"""


@pytest.fixture
def many_rows(unit_a, adopted_project):
    return [
        make_contribution(unit_a, adopted_project, amount=1000 + i, note=f"第{i}笔",
                          contributed_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i))
        for i in range(20)
    ]  # fmt: skip


@pytest.mark.parametrize("width", [375, 1366])
def test_the_office_confirms_in_place_and_in_bulk(new_browser_page, staff, many_rows, width):
    page = new_browser_page(width=width, height=812)
    page.sign_in_as(staff)
    page.goto("/office/contributions/?status=recorded")
    row = page.locator(f"#c-{many_rows[10].pk}")
    row.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    page.screenshot(f"contributions-confirm-{width}", full_page=False)
    row.get_by_role("button", name="确认").click()
    page.locator(f"#c-{many_rows[10].pk} .pill-ok").wait_for()
    assert abs(page.evaluate("window.scrollY") - before) < 5, "the page did not jump"
    assert "已确认并锁定" in page.locator(f"#c-{many_rows[10].pk}").inner_text()
    page.screenshot(f"contributions-confirmed-in-place-{width}", full_page=False)

    for contribution in many_rows[12:15]:
        page.locator(f"#c-{contribution.pk} label.tick").click()
    page.get_by_role("button", name="确认所选").click()
    page.wait_for_load_state()
    assert "已确认并锁定 3 条投入" in page.content()
    confirmed = set(Contribution.objects.filter(status="confirmed").values_list("pk", flat=True))
    assert confirmed == {many_rows[i].pk for i in (10, 12, 13, 14)}
    page.screenshot(f"contributions-bulk-confirmed-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.errors == []


@pytest.mark.parametrize("width", [375, 1366])
def test_the_unit_record_of_a_busy_year_pages_its_lists(new_browser_page, staff, unit_a, width):
    busy_year(unit_a, YEAR, 300)
    page = new_browser_page(width=width, height=812)
    page.sign_in_as(staff)
    page.goto(f"/registry/units/{unit_a.pk}/record/{YEAR}/")
    page.screenshot(f"unit-record-busy-{width}")
    assert page.locator(".timeline-item").count() == 30
    page.locator("#visits").get_by_role("link", name="较早").click()
    page.wait_for_load_state()
    assert "第269次走访" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.errors == []
