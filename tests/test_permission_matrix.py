"""Who may open what: every route of the URLconf x every persona, against a table of rules.

A route without a rule fails the test, so a new view cannot ship without saying who may
see it. Objects in URLs belong to unit_a (bob's unit), so carol (unit_b) must be refused.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from tests.factories import (
    JointMeetingFactory,
    NeedFactory,
    PairingFactory,
    ProjectFactory,
)
from tests.urlwalk import app_routes

pytestmark = pytest.mark.django_db

PERSONAS = ["anon", "liaison", "other_liaison", "staff"]

OK, LOGIN, DENY = "ok", "login", "deny"


@dataclass(frozen=True)
class Rule:
    anon: str
    liaison: str
    other_liaison: str
    staff: str
    method: str = "GET"

    def expect(self, persona):
        return getattr(self, persona)

    def post(self):
        return Rule(self.anon, self.liaison, self.other_liaison, self.staff, "POST")


PUBLIC = Rule(OK, OK, OK, OK)
LOGGED_IN = Rule(LOGIN, OK, OK, OK)
STAFF = Rule(LOGIN, DENY, DENY, OK)
LIAISON = Rule(LOGIN, OK, OK, DENY)
#: Something of unit_a's: bob only (office staff are not a unit's liaison).
UNIT_A_LIAISON = Rule(LOGIN, OK, DENY, DENY)
#: Something of unit_a's: bob and office staff.
UNIT_A_OR_STAFF = Rule(LOGIN, OK, DENY, OK)
#: Django's admin sends everyone who is not staff to its own login page.
ADMIN = Rule(LOGIN, LOGIN, LOGIN, OK)

RULES = {
    "home": PUBLIC,
    "healthz": PUBLIC,
    "set_language": PUBLIC.post(),
    "admin:index": ADMIN,
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC.post(),
    "accounts:password-change": LOGGED_IN,
    "accounts:password-change-done": LOGGED_IN,
    "accounts:user-list": STAFF,
    "accounts:user-create": STAFF,
    "accounts:password-reset": STAFF,
    "accounts:user-deactivate": STAFF.post(),
    "accounts:user-reactivate": STAFF.post(),
    # units
    "units:structure": PUBLIC,
    "units:stats": PUBLIC,
    "units:my-pairings": LIAISON,
    "units:visit-create": UNIT_A_OR_STAFF,
}


@pytest.fixture
def objects(unit_a, liaison):
    """What the URLs point at, all of unit_a's."""
    pairing = PairingFactory(unit=unit_a)
    project = ProjectFactory(community=pairing.community)
    meeting = JointMeetingFactory()
    need = NeedFactory(community=pairing.community)
    return {
        "pairing": pairing,
        "project": project,
        "meeting": meeting,
        "need": need,
        "unit": unit_a,
        "liaison": liaison,
    }


#: Which object fills a route's URL arguments (by route name, then by argument name).
KWARGS = {
    "units:visit-create": lambda o: {"pk": o["pairing"].pk},
    "accounts:password-reset": lambda o: {"pk": o["liaison"].pk},
    "accounts:user-deactivate": lambda o: {"pk": o["liaison"].pk},
    "accounts:user-reactivate": lambda o: {"pk": o["liaison"].pk},
}


def _kwargs(route, objects):
    if route.name in KWARGS:
        return KWARGS[route.name](objects)
    if not route.converters:
        return {}
    raise AssertionError(f"{route.name} takes {route.kwarg_names}: add it to KWARGS")


ROUTES = app_routes()


def test_every_route_has_a_rule():
    missing = sorted(r.name for r in ROUTES if r.name not in RULES)
    assert missing == [], f"routes without a permission rule: {missing}"


def test_no_rule_is_left_for_a_route_that_is_gone():
    names = {r.name for r in ROUTES}
    assert sorted(set(RULES) - names) == []


def _outcome(response):
    if response.status_code in (403, 404):
        return DENY
    if response.status_code == 302 and "login" in response["Location"]:
        return LOGIN
    if response.status_code in (200, 204, 302):
        return OK
    return f"HTTP {response.status_code}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_it_lets_only_the_right_people_in(route, persona, persona_clients, objects):
    rule = RULES.get(route.name)
    if rule is None:
        pytest.fail(f"{route.name} has no rule in RULES")
    url = reverse(route.name, kwargs=_kwargs(route, objects))
    client = persona_clients[persona]
    response = client.post(url) if rule.method == "POST" else client.get(url)
    assert _outcome(response) == rule.expect(persona), (
        f"{persona} {rule.method} {url}: HTTP {response.status_code}"
    )
