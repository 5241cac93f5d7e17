"""axe-core on the key pages: no serious or critical accessibility violations.

axe is injected as a script, so these pages are opened with the CSP bypassed; the
journeys check the same pages with the CSP enforced.
"""

import datetime

import pytest

from tests.browser.axe import serious_violations
from projects.models import Project
from tests.factories import (
    PASSWORD,
    AdoptionFactory,
    JointMeetingFactory,
    MatchFactory,
    MilestoneFactory,
    NeedFactory,
    PairingFactory,
    ProjectFactory,
    ResourceFactory,
)

pytestmark = pytest.mark.browser

THIS_YEAR = datetime.date.today().year

#: (name, who is logged in, path or a function of the fixture objects)
PAGES = [
    ("home", None, "/"),
    ("login", None, "/accounts/login/"),
    ("structure", None, "/structure/"),
    ("stats", None, "/stats/"),
    ("my-pairings", "bob", "/my/pairings/"),
    ("visit-form", "bob", lambda o: f"/my/pairings/{o['pairing'].pk}/visits/new/"),
    ("password-change", "bob", "/accounts/password/"),
    ("liaison-accounts", "alice", "/accounts/users/"),
    ("new-liaison-account", "alice", "/accounts/users/new/"),
    ("board", None, "/projects/"),
    ("project", None, lambda o: f"/projects/{o['project'].pk}/"),
    ("need-form", None, "/needs/new/"),
    ("need-tracking", None, lambda o: f"/needs/track/{o['need'].tracking_code}/"),
    ("needs-inbox", "alice", "/office/needs/"),
    ("meetings", "alice", "/office/meetings/"),
    ("adopt", "bob", lambda o: f"/projects/{o['project'].pk}/adopt/"),
    ("big-screen", None, lambda o: f"/meetings/{o['meeting'].pk}/screen/"),
    ("my-projects", "bob", "/my/projects/"),
    ("inbox", "bob", "/inbox/"),
    ("unit-registry", "alice", "/registry/units/"),
    ("unit-detail", "alice", lambda o: f"/registry/units/{o['pairing'].unit_id}/"),
    ("communities", "alice", "/registry/communities/"),
    ("new-pairing", "alice", "/registry/pairings/new/"),
    ("meeting-record", "alice", lambda o: f"/office/meetings/{o['meeting'].pk}/record/"),
    ("qr-sheet", "alice", lambda o: f"/office/meetings/{o['meeting'].pk}/qr/"),
    ("archive", None, "/projects/archive/"),
    ("project-edit", "alice", lambda o: f"/office/projects/{o['project'].pk}/edit/"),
    ("new-project", "alice", "/office/projects/new/"),
    ("my-project", "bob", lambda o: f"/my/projects/{o['adopted'].pk}/"),
    ("my-renewals", "bob", "/my/renewals/"),
    ("new-meeting", "alice", "/office/meetings/new/"),
    ("meeting-renewals", "alice", lambda o: f"/office/meetings/{o['meeting'].pk}/renewals/"),
    ("signing-sheet", "alice", lambda o: f"/office/meetings/{o['meeting'].pk}/signing-sheet/"),
    ("community", "alice", lambda o: f"/registry/communities/{o['pairing'].community_id}/"),
    ("unit-edit", "alice", lambda o: f"/registry/units/{o['pairing'].unit_id}/edit/"),
    ("pairing-edit", "alice", lambda o: f"/registry/pairings/{o['pairing'].pk}/edit/"),
    ("pairing-end", "alice", lambda o: f"/registry/pairings/{o['pairing'].pk}/end/"),
    ("registry-import", "alice", "/registry/import/"),
    ("open-data", None, "/data/"),
    ("my-calendar", "bob", "/my/calendar/"),
    ("pairing-health", "alice", "/registry/pairings/health/"),
    ("structure-health", "alice", "/structure/?health=1"),
    ("contribution-form", "bob", lambda o: f"/my/projects/{o['adopted'].pk}/contributions/new/"),
    ("my-contributions", "bob", "/my/contributions/"),
    ("contributions", "alice", "/office/contributions/"),
    ("assessment", "alice", f"/office/assessment/{THIS_YEAR}/"),
    ("assessment-rate", "alice", lambda o: f"/office/assessment/{THIS_YEAR}/units/{o['pairing'].unit_id}/"),
    ("unit-record", "bob", lambda o: f"/registry/units/{o['pairing'].unit_id}/record/{THIS_YEAR}/"),
    ("annual-report", None, f"/reports/{THIS_YEAR}/"),
    ("resource-board", None, "/resources/"),
    ("my-resources", "bob", "/my/resources/"),
    ("resource-form", "bob", "/my/resources/new/"),
    ("resource-edit", "alice", lambda o: f"/resources/{o['resource'].pk}/edit/"),
    ("office-resources", "alice", "/office/resources/"),
    ("office-resource-form", "alice", "/office/resources/new/"),
    ("my-needs", "bob", "/my/needs/"),
    ("resource-needs", "bob", lambda o: f"/resources/{o['resource'].pk}/needs/"),
    ("need-detail", "alice", lambda o: f"/office/needs/{o['need'].pk}/"),
    ("match-decline", "alice", lambda o: f"/office/matches/{o['match'].pk}/decline/"),
    ("three-lists", "alice", "/office/lists/"),
    ("structure-district", None, lambda o: f"/structure/?district={o['pairing'].community.district_id}"),
    ("need-lookup", None, "/needs/track/"),
    ("meeting-live", None, lambda o: f"/meetings/{o['meeting'].pk}/live/"),
    ("meeting-window", "alice", lambda o: f"/office/meetings/{o['meeting'].pk}/window/"),
    ("stats-phone", None, "/stats/"),
    ("my-projects-phone", "bob", "/my/projects/"),
]


@pytest.fixture
def objects(unit_a, liaison, other_liaison, staff):
    pairing = PairingFactory(unit=unit_a)
    project = ProjectFactory(community=pairing.community, status=Project.Status.OPEN)
    adopted = ProjectFactory(
        community=pairing.community, status=Project.Status.IN_PROGRESS, adopted_count=1
    )
    AdoptionFactory(project=adopted, unit=unit_a)
    MilestoneFactory(project=adopted)
    return {
        "adopted": adopted,
        "pairing": pairing,
        "project": project,
        "need": NeedFactory(community=pairing.community),
        "meeting": JointMeetingFactory(adoption_open=True),
        **_matching_objects(unit_a, pairing),
    }


def _matching_objects(unit, pairing):
    resource = ResourceFactory(unit=unit, communities=[pairing.community])
    need = NeedFactory(community=pairing.community, text="需要志愿者")
    return {"resource": resource, "match": MatchFactory(need=need, resource=resource)}


@pytest.mark.parametrize("username", [None, "bob", "alice"], ids=["resident", "liaison", "staff"])
def test_it_has_no_serious_accessibility_violations(new_browser_page, objects, username):
    """Each persona walks its pages in one browser context (a browser, a data set and a
    sign-in per page cost over ten minutes) and every problem of every page is listed."""
    # Office staff work at a desk; residents and liaisons on their phones.
    width = 1280 if username == "alice" else 375
    page = new_browser_page(width=width, height=900, bypass_csp=True)
    if username:
        page.login(username, PASSWORD)
    problems = []
    for name, who, path in PAGES:
        if who != username:
            continue
        url = path(objects) if callable(path) else path
        response = page.goto(url)
        if response.status != 200:
            problems.append(f"{name} {url}: HTTP {response.status}")
            continue
        problems += [f"{name} {url}: {violation}" for violation in serious_violations(page)]
        # Nothing sticks out sideways on a phone.
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            problems.append(f"{name} {url}: scrolls sideways ({scroll} > {width})")
    assert problems == []


def test_it_has_an_accessible_lockout_page(new_browser_page, liaison):
    page = new_browser_page(bypass_csp=True)
    for _ in range(5):
        page.login("bob", "wrong-password")
    assert "登录尝试次数过多" in page.content()
    page.screenshot("lockout")
    assert serious_violations(page) == []


@pytest.mark.parametrize(
    "name, path, status, width",
    [
        ("bad-request-phone", "/needs/track/%00/", 400, 375),
        ("bad-request-desk", "/needs/track/%00/", 400, 1366),
        ("not-found-phone", "/projects/999999/", 404, 375),
        ("not-found-desk", "/projects/999999/", 404, 1366),
    ],
)
def test_its_error_pages_are_chinese_and_accessible(new_browser_page, db, name, path, status, width):
    page = new_browser_page(width=width, height=812, bypass_csp=True)
    response = page.goto(path)
    assert response.status == status
    page.screenshot(name)
    assert "返回首页" in page.content()
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
