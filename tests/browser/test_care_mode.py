"""长辈模式 on a 375x812 phone: switched on from the header without script, it holds across
the public pages: text of at least 18 px, controls at least 48 px tall, nothing sideways,
and axe finds nothing serious."""

import pytest

from projects.models import Project
from tests.browser.axe import serious_violations
from tests.factories import NeedFactory, ProjectFactory, ResourceFactory

pytestmark = pytest.mark.browser

PUBLIC = [
    ("home", "/"),
    ("board", "/projects/"),
    ("project", None),
    ("need-form", "/needs/new/"),
    ("need-lookup", "/needs/track/"),
    ("resources", "/resources/"),
    ("reports", "/reports/"),
    ("structure", "/structure/"),
]

#: The smallest font size and control height on the page, and what has them.
MEASURE = """() => {
  const visible = (el) => el.offsetParent !== null && el.getClientRects().length;
  let font = [99, ''], control = [99, ''];
  for (const el of document.querySelectorAll('main *, header *, footer *')) {
    if (!visible(el)) continue;
    const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (text && size < font[0]) font = [size, el.outerHTML.slice(0, 80)];
  }
  for (const el of document.querySelectorAll('button, .btn, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), summary')) {
    if (!visible(el)) continue;
    const h = el.getBoundingClientRect().height;
    if (h < control[0]) control = [h, el.outerHTML.slice(0, 80)];
  }
  return {font, control};
}"""


@pytest.fixture
def public_objects(db):
    project = ProjectFactory(title="社区老年助餐点", status=Project.Status.OPEN)
    NeedFactory(community=project.community)
    ResourceFactory()
    return {"project": f"/projects/{project.pk}/"}


def test_it_switches_care_mode_on_and_keeps_every_public_page_large_and_clean(
    new_browser_page, public_objects
):
    page = new_browser_page(width=375, height=812)
    page.goto("/")
    page.screenshot("care-off-home-375", full_page=False)
    page.click("header .care-button")  # a form, no script
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.classList.contains('care')")
    assert page.errors == []  # the CSP is unchanged: nothing refused

    axe = new_browser_page(width=375, height=812, bypass_csp=True)
    axe.page.context.add_cookies([{"name": "care", "value": "1", "url": axe.base_url}])
    for name, path in PUBLIC:
        page.goto(path or public_objects[name])
        page.screenshot(f"care-{name}-375")
        assert page.evaluate("document.documentElement.classList.contains('care')"), name
        sizes = page.evaluate(MEASURE)
        assert sizes["font"][0] >= 18, (name, sizes["font"])
        assert sizes["control"][0] >= 48, (name, sizes["control"])
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
        axe.goto(path or public_objects[name])
        assert serious_violations(axe) == [], name

    page.click("header .care-button")  # 退出长辈模式
    page.wait_for_load_state()
    assert not page.evaluate("document.documentElement.classList.contains('care')")
    assert page.errors == []
