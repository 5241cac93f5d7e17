"""axe-core on the key pages: no serious or critical accessibility violations.

axe is injected as a script, so these pages are opened with the CSP bypassed; the
journeys check the same pages with the CSP enforced.
"""

import pytest

from tests.browser.axe import serious_violations
from tests.factories import PASSWORD, PairingFactory

pytestmark = pytest.mark.browser

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
]


@pytest.fixture
def objects(unit_a, liaison, other_liaison, staff):
    return {"pairing": PairingFactory(unit=unit_a)}


@pytest.mark.parametrize("name, username, path", PAGES, ids=[p[0] for p in PAGES])
def test_it_has_no_serious_accessibility_violations(new_browser_page, objects, name, username, path):
    # Office staff work at a desk; residents and liaisons on their phones.
    width = 1280 if username == "alice" else 375
    page = new_browser_page(width=width, height=900, bypass_csp=True)
    if username:
        page.login(username, PASSWORD)
    url = path(objects) if callable(path) else path
    response = page.goto(url)
    assert response.status == 200, url
    assert serious_violations(page) == []


def test_it_has_an_accessible_lockout_page(new_browser_page, liaison):
    page = new_browser_page(bypass_csp=True)
    for _ in range(5):
        page.login("bob", "wrong-password")
    assert "登录尝试次数过多" in page.content()
    page.screenshot("lockout")
    assert serious_violations(page) == []
