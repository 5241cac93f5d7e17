"""Every persona's pages on a 375x812 phone, with the demo data a new user sees.

For each page: it answers, nothing scrolls sideways (``scrollWidth <= innerWidth``), the
CSP raises no error, and a screenshot goes to test-artifacts/phone-<persona>-<page>.png.
Then: every menu item is reachable by tapping, the board's filters compose, the loser of
a race is offered other projects, and the projector screen fits a hall screen.
"""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from projects import actions
from projects.models import Adoption, JointMeeting, Milestone, Need, Project
from units.models import District, MemberUnit

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    meeting = JointMeeting.objects.get(adoption_open=True)
    caizheng = MemberUnit.objects.get(name="金山区财政局")
    adopted = Project.objects.filter(adoptions__unit=caizheng).order_by("-year").first()
    pairing = caizheng.pairings.first()
    return {
        "meeting": meeting,
        "unit": caizheng,
        "adopted": adopted,
        "pairing": pairing,
        "project": Project.objects.filter(status=Project.Status.OPEN).first(),
        "need": Need.objects.first(),
        "district": District.objects.get(name="城南"),
        "community": pairing.community,
    }


def _user(username):
    return get_user_model().objects.get(username=username)


RESIDENT_PAGES = [
    ("home", "/"),
    ("board", "/projects/"),
    ("project", lambda o: f"/projects/{o['project'].pk}/"),
    ("archive", "/projects/archive/"),
    ("need-form", "/needs/new/"),
    ("need-lookup", "/needs/track/"),
    ("need-tracking", lambda o: f"/needs/track/{o['need'].tracking_code}/"),
    ("structure", "/structure/"),
    ("structure-district", lambda o: f"/structure/?district={o['district'].pk}"),
    ("stats", "/stats/"),
    ("meeting-live", lambda o: f"/meetings/{o['meeting'].pk}/live/"),
    ("login", "/accounts/login/"),
    ("not-found", "/no-such-page/"),
]
LIAISON_PAGES = [
    ("home", "/"),
    ("my-pairings", "/my/pairings/"),
    ("visit-form", lambda o: f"/my/pairings/{o['pairing'].pk}/visits/new/"),
    ("my-projects", "/my/projects/"),
    ("my-project", lambda o: f"/my/projects/{o['adopted'].pk}/"),
    ("my-renewals", "/my/renewals/"),
    ("adopt", lambda o: f"/projects/{o['project'].pk}/adopt/"),
    ("inbox", "/inbox/"),
    ("password", "/accounts/password/"),
]
OFFICE_PAGES = [
    ("home", "/"),
    ("units", "/registry/units/"),
    ("unit", lambda o: f"/registry/units/{o['unit'].pk}/"),
    ("unit-edit", lambda o: f"/registry/units/{o['unit'].pk}/edit/"),
    ("communities", "/registry/communities/"),
    ("community", lambda o: f"/registry/communities/{o['community'].pk}/"),
    ("new-pairing", "/registry/pairings/new/"),
    ("pairing-health", "/registry/pairings/health/"),
    ("needs-inbox", "/office/needs/"),
    ("new-project", "/office/projects/new/"),
    ("project-edit", lambda o: f"/office/projects/{o['project'].pk}/edit/"),
    ("meetings", "/office/meetings/"),
    ("meeting-window", lambda o: f"/office/meetings/{o['meeting'].pk}/window/"),
    ("meeting-record", lambda o: f"/office/meetings/{o['meeting'].pk}/record/"),
    ("meeting-renewals", lambda o: f"/office/meetings/{o['meeting'].pk}/renewals/"),
    ("liaison-accounts", "/accounts/users/"),
    ("inbox", "/inbox/"),
    ("structure-health", "/structure/?health=1"),
]


def _walk(page, persona, pages, objects):
    problems = []
    for name, path in pages:
        url = path(objects) if callable(path) else path
        response = page.goto(url)
        expected = 404 if name == "not-found" else 200
        if response.status != expected:
            problems.append(f"{url}: HTTP {response.status}")
        scroll, inner = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll > inner:
            problems.append(f"{url}: scrolls sideways ({scroll} > {inner})")
        page.screenshot(f"phone-{persona}-{name}")
    # The one page expected to answer 404 shows in the console as a failed resource.
    page.errors[:] = [e for e in page.errors if "/no-such-page/" not in e]
    return problems + page.errors


def test_a_residents_pages_fit_a_phone(new_browser_page, demo):
    page = new_browser_page(**PHONE)
    assert _walk(page, "resident", RESIDENT_PAGES, demo) == []


def test_a_liaisons_pages_fit_a_phone(new_browser_page, demo):
    page = new_browser_page(**PHONE)
    page.sign_in_as(_user("caizheng"))
    assert _walk(page, "liaison", LIAISON_PAGES, demo) == []


def test_office_pages_fit_a_phone(new_browser_page, demo):
    page = new_browser_page(**PHONE)
    page.sign_in_as(_user("office"))
    assert _walk(page, "office", OFFICE_PAGES, demo) == []


def test_office_pages_fit_a_desk(new_browser_page, demo):
    page = new_browser_page(width=1366, height=900)
    page.sign_in_as(_user("office"))
    assert _walk(page, "desk-office", OFFICE_PAGES, demo) == []


@pytest.mark.parametrize("username", [None, "caizheng", "office"])
def test_every_menu_item_is_reachable_by_tapping(new_browser_page, demo, username):
    page = new_browser_page(**PHONE)
    if username:
        page.sign_in_as(_user(username))
    page.goto("/projects/")
    if username:
        # The inbox and its unread badge stay in the header, outside the menu.
        inbox = page.locator("header #inbox-link")
        assert inbox.is_visible()
        box = inbox.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    links = page.locator("nav.site-nav a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) >= 5
    page.screenshot(f"phone-menu-{username or 'resident'}-closed", full_page=False)
    for href in hrefs:
        page.goto("/projects/")
        page.click("summary.menu-button")
        link = page.locator(f"nav.site-nav a[href='{href}']")
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], href
        assert box["height"] >= 40, f"{href} is too small to tap ({box['height']} px)"
        if href == hrefs[-1]:
            page.screenshot(f"phone-menu-{username or 'resident'}-open", full_page=False)
        link.click()
        page.wait_for_url(re.compile(re.escape(href) + r"(\?.*)?$"))
    if username:
        page.goto("/projects/")
        page.click("summary.menu-button")
        page.get_by_role("button", name=re.compile("退出")).click()
        page.wait_for_load_state()
        assert page.locator("header #inbox-link").count() == 0
    assert page.errors == []


def test_the_boards_filters_compose(new_browser_page, demo):
    from playwright.sync_api import expect

    page = new_browser_page(**PHONE)
    page.goto("/projects/")
    page.click("a.chip[data-category=culture]")
    expect(page.locator("select[name=category]")).to_have_value("culture")
    south = demo["district"]
    page.select_option("select[name=district]", str(south.pk))
    expect(page.page).to_have_url(re.compile(rf"district={south.pk}"))
    expect(page.page).to_have_url(re.compile(r"category=culture"))
    expect(page.locator("select[name=category]")).to_have_value("culture")
    page.screenshot("phone-resident-board-filtered")
    expected = Project.objects.public().filter(category="culture", community__district=south)
    count_text = page.locator("#results [role=status]").inner_text()
    assert str(expected.count()) in count_text
    # The community list now offers only the district's communities.
    options = page.locator("select[name=community] option").all_inner_texts()
    names = set(south.communities.values_list("name", flat=True))
    assert set(options[1:]) <= names
    assert page.errors == []


def test_the_loser_of_a_race_is_offered_other_projects(new_browser_page, demo):
    meeting = demo["meeting"]
    project = Project.objects.filter(status=Project.Status.OPEN, capacity=1).first()
    page = new_browser_page(**PHONE)
    page.sign_in_as(_user("caizheng"))
    page.goto(reverse("projects:project-adopt", args=[project.pk]))
    # 朱泾法庭 wins the seat while the page is open.
    actions.adopt(project, MemberUnit.objects.get(name="朱泾法庭"), meeting, commitment="出人出力")
    page.fill("textarea[name=commitment]", "出资两万元")
    page.click("#adopt-panel button[type=submit]")
    page.locator(".adopt-result").wait_for()
    assert "已被认领" in page.locator(".adopt-result").inner_text()
    offered = page.locator(".alternative")
    assert offered.count() >= 1
    page.screenshot("phone-liaison-adopt-lost")
    title = offered.first.locator(".alternative-title").inner_text()
    offered.first.get_by_role("button").click()
    page.locator(".adopt-won").wait_for()
    won = Adoption.objects.get(unit=demo["unit"], project__title=title)
    assert won.commitment == "出资两万元"
    assert page.errors == []


@pytest.mark.parametrize("width, height", [(1920, 1080), (1024, 768), (3840, 2160)])
def test_the_projector_screen_fits_without_scrolling(new_browser_page, demo, width, height):
    page = new_browser_page(width=width, height=height)
    page.goto(f"/meetings/{demo['meeting'].pk}/screen/")
    sizes = page.evaluate(
        """() => ({
            scrollW: document.documentElement.scrollWidth, scrollH: document.documentElement.scrollHeight,
            w: innerWidth, h: innerHeight,
            list: parseFloat(getComputedStyle(document.querySelector('.screen-recent')).fontSize),
            bottom: Math.max(...[...document.querySelectorAll('.screen-recent li, .screen-categories li')]
                .map(el => el.getBoundingClientRect().bottom)),
        })"""
    )
    page.screenshot(f"projector-{width}x{height}", full_page=False)
    assert sizes["scrollW"] <= sizes["w"] and sizes["scrollH"] <= sizes["h"], sizes
    assert sizes["bottom"] <= sizes["h"], sizes  # no line cut at the bottom
    # Text for the back row: about 3% of the screen's height.
    assert sizes["list"] >= 0.03 * height, sizes
    assert page.locator("#screen-remaining").is_visible()
    assert page.errors == []


def test_the_statistics_chart_labels_are_readable_on_a_phone(new_browser_page, demo):
    page = new_browser_page(**PHONE)
    page.goto("/stats/")
    heights = page.evaluate(
        "[...document.querySelectorAll('.chart .axis')].map(t => t.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 10, heights


def test_the_overdue_milestone_is_marked_on_the_liaisons_projects(new_browser_page, demo):
    overdue = Milestone.objects.filter(
        project__adoptions__unit=demo["unit"],
        project__year=timezone.localdate().year,
        done_on=None,
        due_on__lt=timezone.localdate(),
    ).first()
    page = new_browser_page(**PHONE)
    page.sign_in_as(_user("caizheng"))
    page.goto("/my/projects/")
    if overdue:  # the demo has one (采购与施工, due 2026-11-06)
        assert page.locator(f"#milestone-{overdue.pk} .pill-red").is_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2500, height
