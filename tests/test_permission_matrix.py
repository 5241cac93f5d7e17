"""Who may open what: every route of the URLconf x every persona, against a table of rules.

A route without a rule fails the test, so a new view cannot ship without saying who may
see it. Objects in URLs belong to unit_a (bob's unit), so carol (unit_b) must be refused.
"""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opendata.models import CalendarFeed
from projects.models import ProgressPhoto, Project, RenewalProposal
from records.models import Contribution
from reminders.models import Notification, SmsMessage
from tests.factories import (
    AdoptionFactory,
    JointMeetingFactory,
    MatchFactory,
    MilestoneFactory,
    NeedFactory,
    PairingFactory,
    ProjectFactory,
    ResourceFactory,
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
#: Something of bob's own (a notification): nobody else, office staff included.
BOB_ONLY = UNIT_A_LIAISON
#: The district's pages: district staff only (office staff of no council), so not alice,
#: who works for the first council (tests/district/test_access.py has the district staff).
DISTRICT = Rule(LOGIN, DENY, DENY, DENY)
#: Django's admin sends everyone who is not staff to its own login page.
ADMIN = Rule(LOGIN, LOGIN, LOGIN, OK)

RULES = {
    "home": PUBLIC,
    "healthz": PUBLIC,
    "set_language": PUBLIC.post(),
    "care-mode": PUBLIC.post(),
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
    "units:council-list": PUBLIC,
    "units:my-pairings": LIAISON,
    "units:visit-create": UNIT_A_OR_STAFF,
    "units:visit-upload": UNIT_A_OR_STAFF.post(),
    "units:service-worker": PUBLIC,
    "units:web-manifest": PUBLIC,
    # units: the registry, for office staff
    "units:unit-list": STAFF,
    "units:unit-create": STAFF,
    "units:unit-detail": STAFF,
    "units:unit-edit": STAFF,
    "units:unit-deactivate": STAFF.post(),
    "units:unit-reactivate": STAFF.post(),
    "units:unit-delete": STAFF,
    "units:community-list": STAFF,
    "units:community-create": STAFF,
    "units:community-detail": STAFF,
    "units:community-edit": STAFF,
    "units:pairing-create": STAFF,
    "units:pairing-edit": STAFF,
    "units:pairing-end": STAFF,
    "reminders:pairing-health": STAFF,
    # district: the roll-up and the district report
    "district:rollup": DISTRICT,
    "district:report": DISTRICT,
    "district:report-pdf": DISTRICT,
    # reminders: everyone's own inbox
    "reminders:inbox": LOGGED_IN,
    "reminders:badge": LOGGED_IN,
    "reminders:mark-read": BOB_ONLY.post(),
    "reminders:mark-all-read": LOGGED_IN.post(),
    "reminders:preferences": LOGGED_IN,
    # The link in an SMS: whoever holds it (the code is unguessable), no account needed.
    "reminders:sms-opt-out": PUBLIC,
    # projects: public board and needs
    "projects:project-list": PUBLIC,
    "projects:project-archive": PUBLIC,
    "projects:project-detail": PUBLIC,
    "projects:need-create": PUBLIC,
    "projects:need-track": PUBLIC,
    "projects:need-lookup": PUBLIC,
    # projects: office staff triage and editing
    "projects:need-inbox": STAFF,
    "projects:need-decline": STAFF,
    "projects:need-link": STAFF.post(),
    "projects:project-create": STAFF,
    "projects:project-edit": STAFF,
    "projects:project-transition": STAFF.post(),
    # projects: the joint meeting
    "projects:meeting-list": STAFF,
    "projects:meeting-create": STAFF,
    "projects:meeting-edit": STAFF,
    "projects:meeting-window": STAFF,
    "projects:meeting-qr-sheet": STAFF,
    "projects:meeting-record": STAFF,
    "projects:meeting-withdraw": STAFF.post(),
    "projects:meeting-export": STAFF,
    "projects:meeting-signing-sheet": STAFF,
    "projects:meeting-rollover": STAFF.post(),
    "projects:meeting-renewals": STAFF,
    "projects:project-qr": PUBLIC,
    # Any liaison may adopt any open project; staff see the page (and record for units).
    "projects:project-adopt": LOGGED_IN,
    "projects:meeting-screen": PUBLIC,
    "projects:meeting-live": PUBLIC,
    "projects:meeting-screen-stats": PUBLIC,
    # projects: the liaison's own projects and renewals
    "projects:my-projects": LIAISON,
    "projects:my-project": UNIT_A_LIAISON,
    "projects:my-project-complete": UNIT_A_LIAISON.post(),
    "projects:milestone-done": UNIT_A_LIAISON.post(),
    "projects:my-renewals": LIAISON,
    "projects:renewal-confirm": UNIT_A_LIAISON.post(),
    "projects:renewal-drop": UNIT_A_LIAISON.post(),
    # the three lists: resources, two-way matching, the lists page
    "units:resource-board": PUBLIC,
    "units:my-resources": LIAISON,
    "units:resource-create": LIAISON,
    "units:resource-edit": UNIT_A_OR_STAFF,
    "units:office-resources": STAFF,
    "units:office-resource-create": STAFF,
    "projects:my-needs": LIAISON,
    "projects:resource-needs": UNIT_A_OR_STAFF,
    # bob may see the need (his unit is paired with its community); carol may not.
    "projects:match-propose": UNIT_A_OR_STAFF.post(),
    "projects:need-detail": STAFF,
    "projects:match-accept": STAFF.post(),
    "projects:match-decline": STAFF,
    "projects:match-open-project": STAFF.post(),
    "projects:three-lists": STAFF,
    # units: registry import and export
    "units:registry-import": STAFF,
    "units:registry-import-confirm": STAFF.post(),
    "units:registry-template": STAFF,
    "units:registry-export": STAFF,
    # opendata: open files and calendar feeds
    "opendata:index": PUBLIC,
    "opendata:projects-csv": PUBLIC,
    "opendata:projects-json": PUBLIC,
    "opendata:structure-json": PUBLIC,
    "opendata:stats-json": PUBLIC,
    "opendata:public-calendar": PUBLIC,
    # The secret address is the credential: whoever holds bob's URL gets bob's feed.
    "opendata:private-calendar": PUBLIC,
    "opendata:my-calendar": LIAISON,
    "opendata:my-calendar-reset": LIAISON.post(),
    # A progress photo of a public project: as public as its project.
    "projects:progress-photo": PUBLIC,
    # records: contributions, the year-end assessment, the unit's record, the annual report
    "records:contribution-create-project": UNIT_A_LIAISON,
    "records:contribution-create-pairing": UNIT_A_LIAISON,
    "records:my-contributions": LIAISON,
    "records:contribution-edit": UNIT_A_OR_STAFF,
    "records:contribution-evidence": UNIT_A_OR_STAFF,
    "records:contribution-list": STAFF,
    "records:contribution-confirm": STAFF.post(),
    "records:contribution-confirm-many": STAFF.post(),
    "records:assessment": STAFF,
    "records:assessment-export": STAFF,
    "records:assessment-finalise": STAFF.post(),
    "records:assessment-rate": STAFF,
    "records:unit-record": UNIT_A_OR_STAFF,
    "records:unit-record-pdf": UNIT_A_OR_STAFF,
    "records:annual-report-index": PUBLIC,
    "records:annual-report": PUBLIC,
    "records:annual-report-pdf": PUBLIC,
}


@pytest.fixture
def objects(unit_a, liaison):
    """What the URLs point at, all of unit_a's."""
    pairing = PairingFactory(unit=unit_a)
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(community=pairing.community, status=Project.Status.OPEN, capacity=2)
    # unit_a's project from last year, with a milestone and a renewal offered this year.
    last_year = JointMeetingFactory(held_on=meeting.held_on.replace(year=meeting.held_on.year - 1))
    adopted = ProjectFactory(
        community=pairing.community, status=Project.Status.IN_PROGRESS, adopted_count=1
    )
    adoption = AdoptionFactory(project=adopted, unit=unit_a, meeting=last_year)
    milestone = MilestoneFactory(project=adopted)
    proposal = RenewalProposal.objects.create(
        meeting=meeting, previous_adoption=adoption, unit=unit_a
    )
    need = NeedFactory(community=pairing.community)
    notification = Notification.objects.create(user=liaison, title="测试提醒")
    contribution = Contribution.objects.create(
        unit=unit_a, project=adopted, kind=Contribution.Kind.FUNDS, amount=100,
        evidence=SimpleUploadedFile("e.jpg", b"\xff\xd8\xff\xe0 not decoded, only served"),
    )
    resource = ResourceFactory(unit=unit_a)
    match = MatchFactory(need=need, resource=resource)
    feed = CalendarFeed.objects.create(user=liaison)
    photo = ProgressPhoto.objects.create(
        update=project.updates.create(text="进展"),
        image=SimpleUploadedFile("p.jpg", b"\xff\xd8\xff\xe0 not decoded, only served"),
    )
    return {
        "contribution": contribution,
        "resource": resource,
        "match": match,
        "feed": feed,
        "photo": photo,
        "notification": notification,
        "pairing": pairing,
        "project": project,
        "adopted": adopted,
        "adoption": adoption,
        "milestone": milestone,
        "proposal": proposal,
        "meeting": meeting,
        "need": need,
        "unit": unit_a,
        "liaison": liaison,
    }


#: Which object fills a route's URL arguments (by route name, then by argument name).
KWARGS = {
    "units:visit-create": lambda o: {"pk": o["pairing"].pk},
    "units:visit-upload": lambda o: {"pk": o["pairing"].pk},
    "units:unit-detail": lambda o: {"pk": o["unit"].pk},
    "units:unit-edit": lambda o: {"pk": o["unit"].pk},
    "units:unit-deactivate": lambda o: {"pk": o["unit"].pk},
    "units:unit-reactivate": lambda o: {"pk": o["unit"].pk},
    "units:unit-delete": lambda o: {"pk": o["unit"].pk},
    "units:community-detail": lambda o: {"pk": o["pairing"].community_id},
    "units:community-edit": lambda o: {"pk": o["pairing"].community_id},
    "units:pairing-edit": lambda o: {"pk": o["pairing"].pk},
    "units:pairing-end": lambda o: {"pk": o["pairing"].pk},
    "reminders:mark-read": lambda o: {"pk": o["notification"].pk},
    "reminders:sms-opt-out": lambda o: {"code": SmsMessage.objects.get_or_create(
        phone=o["unit"].liaison_phone, dedup_key="matrix", defaults={"template_code": "SMS_1"},
    )[0].out_id.hex},
    "accounts:password-reset": lambda o: {"pk": o["liaison"].pk},
    "accounts:user-deactivate": lambda o: {"pk": o["liaison"].pk},
    "accounts:user-reactivate": lambda o: {"pk": o["liaison"].pk},
    "units:registry-export": lambda o: {"kind": "units", "fmt": "xlsx"},
    "opendata:private-calendar": lambda o: {"token": o["feed"].token},
    "projects:project-detail": lambda o: {"pk": o["project"].pk},
    "projects:project-qr": lambda o: {"pk": o["project"].pk},
    "projects:progress-photo": lambda o: {"pk": o["photo"].pk},
    "projects:project-adopt": lambda o: {"pk": o["project"].pk},
    "projects:project-edit": lambda o: {"pk": o["project"].pk},
    "projects:project-transition": lambda o: {"pk": o["project"].pk},
    "projects:need-track": lambda o: {"tracking_code": o["need"].tracking_code},
    "projects:need-decline": lambda o: {"pk": o["need"].pk},
    "projects:need-link": lambda o: {"pk": o["need"].pk},
    "projects:my-project": lambda o: {"pk": o["adopted"].pk},
    "projects:my-project-complete": lambda o: {"pk": o["adopted"].pk},
    "projects:milestone-done": lambda o: {"pk": o["milestone"].pk},
    "projects:renewal-confirm": lambda o: {"pk": o["proposal"].pk},
    "projects:renewal-drop": lambda o: {"pk": o["proposal"].pk},
    "units:resource-edit": lambda o: {"pk": o["resource"].pk},
    "projects:resource-needs": lambda o: {"pk": o["resource"].pk},
    "projects:match-propose": lambda o: {"pk": o["need"].pk},
    "projects:need-detail": lambda o: {"pk": o["need"].pk},
    "projects:match-accept": lambda o: {"pk": o["match"].pk},
    "projects:match-decline": lambda o: {"pk": o["match"].pk},
    "projects:match-open-project": lambda o: {"pk": o["match"].pk},
    "projects:meeting-withdraw": lambda o: {
        "pk": o["adoption"].meeting_id,
        "adoption_pk": o["adoption"].pk,
    },
}

YEAR = 2026
KWARGS.update({
    "records:contribution-create-project": lambda o: {"pk": o["adopted"].pk},
    "records:contribution-create-pairing": lambda o: {"pk": o["pairing"].pk},
    "records:contribution-edit": lambda o: {"pk": o["contribution"].pk},
    "records:contribution-evidence": lambda o: {"pk": o["contribution"].pk},
    "records:contribution-confirm": lambda o: {"pk": o["contribution"].pk},
    "records:assessment": lambda o: {"year": YEAR},
    "records:assessment-export": lambda o: {"year": YEAR},
    "records:assessment-finalise": lambda o: {"year": YEAR},
    "records:assessment-rate": lambda o: {"year": YEAR, "unit_pk": o["unit"].pk},
    "records:unit-record": lambda o: {"pk": o["unit"].pk, "year": YEAR},
    "records:unit-record-pdf": lambda o: {"pk": o["unit"].pk, "year": YEAR},
    "records:annual-report": lambda o: {"year": YEAR},
    "records:annual-report-pdf": lambda o: {"year": YEAR},
    "district:report": lambda o: {"year": YEAR},
    "district:report-pdf": lambda o: {"year": YEAR},
})  # fmt: skip

#: Every other route's "pk" is the meeting's.
for _name in [
    "meeting-edit", "meeting-window", "meeting-qr-sheet", "meeting-record", "meeting-export",
    "meeting-signing-sheet", "meeting-rollover", "meeting-renewals", "meeting-screen",
    "meeting-screen-stats", "meeting-live",
]:  # fmt: skip
    KWARGS[f"projects:{_name}"] = lambda o: {"pk": o["meeting"].pk}


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
    is_json = response.get("Content-Type", "").startswith("application/json")
    if is_json and response.status_code == 401:  # an endpoint for scripts: no redirect
        return LOGIN
    if is_json and response.status_code == 400:  # let in; the empty form is refused
        return OK
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
