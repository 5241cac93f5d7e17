"""Councils apart: the office staff of one council cannot read or change another's data on
any route.

Two councils, A (the first, at the site's root) and B, each with a whole network: a
district, a community, a member unit of its own, a pairing with a visit, a meeting with an
open window, a need matched to a resource, projects (one adopted, with a milestone and a
progress photo), a contribution, an assessment. alice, office staff of A, walks every route
of the URLconf with B's ids in every URL argument, by GET and by a POST with a valid CSRF
token that fills in every form field the apps know: each answer is 404 or 403, and no row
of B changes. The same walk with A's own ids lets alice in, so the walk is not vacuous.
"""

import contextvars
import datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django_scopes import ScopeError, scope, scopes_disabled

from opendata.models import CalendarFeed
from projects.models import Project, ProgressPhoto, RenewalProposal
from records.models import AnnualAssessment, AssessmentFinalisation, Contribution
from reminders.models import Notification
from tests.factories import (
    AdoptionFactory,
    CommunityFactory,
    DistrictFactory,
    JointMeetingFactory,
    MatchFactory,
    MemberUnitFactory,
    MilestoneFactory,
    NeedFactory,
    PairingFactory,
    ProjectFactory,
    ResourceFactory,
    UserFactory,
    VisitFactory,
)
from tests.test_permission_matrix import KWARGS
from tests.urlwalk import app_routes, form_field_names
from units.models import Council, MemberUnit

pytestmark = pytest.mark.django_db

ROUTES = app_routes()

#: Every model a council owns, with the lookup that leads to its council.
COUNCIL_OWNED = {
    "units.District": "council",
    "units.Community": "district__council",
    "units.Membership": "council",
    "units.Pairing": "council",
    "units.Visit": "council",
    "units.Resource": "council",
    "projects.JointMeeting": "council",
    "projects.Need": "council",
    "projects.Project": "council",
    "projects.Adoption": "project__council",
    "projects.Milestone": "project__council",
    "projects.ProgressUpdate": "project__council",
    "projects.ProgressPhoto": "update__project__council",
    "projects.Match": "need__council",
    "projects.RenewalProposal": "meeting__council",
    "records.Contribution": "council",
    "records.AnnualAssessment": "council",
    "records.AssessmentFinalisation": "council",
}

#: Routes whose arguments name no council's object: a year, a file kind, a secret of one
#: person (a calendar feed's token, an SMS opt-out code). alice may open them in A; the
#: walk still checks that nothing of B changes.
NOT_AN_OBJECT = {
    "records:assessment",
    "records:assessment-export",
    "records:assessment-finalise",
    "records:annual-report",
    "records:annual-report-pdf",
    "units:registry-export",
    "opendata:private-calendar",
    "reminders:sms-opt-out",
    # bob's own notification: nobody else's, whichever council they work for.
    "reminders:mark-read",
}


def _network(tag):
    """A council's whole network, made inside its scope (as its office would)."""
    district = DistrictFactory(name=f"{tag}片区")
    community = CommunityFactory(name=f"{tag}村", district=district)
    unit = MemberUnitFactory(name=f"{tag}成员单位")
    liaison = UserFactory(username=f"liaison-{tag}", unit=unit)
    pairing = PairingFactory(unit=unit, community=community)
    VisitFactory(pairing=pairing)
    meeting = JointMeetingFactory(adoption_open=True)
    last_year = JointMeetingFactory(
        held_on=meeting.held_on.replace(year=meeting.held_on.year - 1), adoption_open=False
    )
    project = ProjectFactory(community=community, status=Project.Status.OPEN, capacity=2)
    adopted = ProjectFactory(
        community=community, status=Project.Status.IN_PROGRESS, adopted_count=1
    )
    adoption = AdoptionFactory(project=adopted, unit=unit, meeting=last_year)
    milestone = MilestoneFactory(project=adopted)
    proposal = RenewalProposal.objects.create(
        meeting=meeting, previous_adoption=adoption, unit=unit
    )
    need = NeedFactory(community=community)
    resource = ResourceFactory(unit=unit)
    match = MatchFactory(need=need, resource=resource)
    contribution = Contribution.objects.create(
        unit=unit, project=adopted, kind=Contribution.Kind.FUNDS, amount=100,
        evidence=SimpleUploadedFile("e.jpg", b"\xff\xd8\xff\xe0 not decoded, only served"),
    )  # fmt: skip
    photo = ProgressPhoto.objects.create(
        update=adopted.updates.create(text="进展"),
        image=SimpleUploadedFile("p.jpg", b"\xff\xd8\xff\xe0 not decoded, only served"),
    )
    AnnualAssessment.objects.create(unit=unit, year=2025, rating="excellent")
    AssessmentFinalisation.objects.create(year=2024, unit_count=1)
    return {
        "contribution": contribution,
        "resource": resource,
        "match": match,
        "feed": CalendarFeed.objects.create(user=liaison),
        "photo": photo,
        "notification": Notification.objects.create(user=liaison, title="测试提醒"),
        "pairing": pairing,
        "project": project,
        "adopted": adopted,
        "adoption": adoption,
        "milestone": milestone,
        "proposal": proposal,
        "meeting": meeting,
        "need": need,
        "unit": unit,
        "liaison": liaison,
    }


@pytest.fixture
def councils():
    """A (the first council) and B, each with its network; alice works for A."""
    a = Council.objects.get(pk=Council.first_id())
    b = Council.objects.create(name="枫泾镇", network_name="枫泾", kind="town", slug="fengjing")
    with scope(council=a.pk):
        objects_a = _network("甲")
        alice = UserFactory(username="alice-a", is_staff=True)
    with scope(council=b.pk):
        objects_b = _network("乙")
        bert = UserFactory(username="bert-b", is_staff=True)
    return {"a": a, "b": b, "A": objects_a, "B": objects_b, "alice": alice, "bert": bert}


def _snapshot(council):
    """Every row council ``council`` owns, in full, and its own unit and liaison."""
    with scopes_disabled():
        rows = {
            label: sorted(
                map(repr, apps.get_model(label)._base_manager.filter(**{path: council}).values())
            )
            for label, path in COUNCIL_OWNED.items()
        }
        rows["units"] = sorted(
            map(repr, MemberUnit.objects.filter(memberships__council=council).values())
        )
        rows["liaisons"] = sorted(
            map(repr, get_user_model().objects.filter(unit__memberships__council=council).values())
        )
    return rows


def _signed_in(user):
    """A client that sends a valid CSRF token with every POST, as a browser would."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("home"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    return client


def _hostile_post(objects):
    """Every form field the apps know, filled with the other council's ids."""
    some_id = str(objects["project"].pk)
    data = {name: some_id for name in form_field_names()}
    data.update(confirmed="yes", status="completed", action="open", rating="excellent")
    return data


def _url(route, objects):
    kwargs = KWARGS[route.name](objects) if route.name in KWARGS else {}
    return reverse(route.name, kwargs=kwargs)


OBJECT_ROUTES = [r for r in ROUTES if r.converters and r.name not in NOT_AN_OBJECT]


def test_the_walk_covers_every_route_that_names_an_object():
    # Each route with arguments is either walked with B's ids or named in NOT_AN_OBJECT.
    assert len(OBJECT_ROUTES) > 50
    assert {r.name for r in ROUTES if r.converters} - {r.name for r in OBJECT_ROUTES} == (
        NOT_AN_OBJECT
    )


def test_staff_of_one_council_get_404_for_every_object_of_another(councils):
    before = _snapshot(councils["b"])
    alice = _signed_in(councils["alice"])
    data = _hostile_post(councils["B"])
    let_in = []
    for route in OBJECT_ROUTES:
        url = _url(route, councils["B"])
        for method in ("get", "post"):
            if method == "get":
                response = alice.get(url)
            else:
                response = alice.post(url, data)
            if response.status_code not in (403, 404, 405):
                let_in.append(f"{method.upper()} {url} ({route.name}): {response.status_code}")
    assert let_in == [], "\n".join(let_in)
    assert _snapshot(councils["b"]) == before


def test_nothing_of_another_council_changes_on_any_route(councils):
    """Every route, those with no object in their address too, as alice and by POST."""
    before = _snapshot(councils["b"])
    alice = _signed_in(councils["alice"])
    data = _hostile_post(councils["B"])
    for route in ROUTES:
        alice.post(_url(route, councils["B"]), data)
    assert _snapshot(councils["b"]) == before


def test_the_walk_is_not_vacuous_staff_open_their_own_councils_objects(councils):
    alice = _signed_in(councils["alice"])
    not_found = []
    for route in OBJECT_ROUTES:
        url = _url(route, councils["A"])
        if alice.get(url).status_code == 404:
            not_found.append(route.name)
    # Only a liaison's own pages (alice is no unit's liaison) stay shut to her, by 403.
    assert not_found == []


def test_a_query_outside_any_scope_raises_scope_error():
    # A fresh context is what a Celery task or a command starts with: no scope.
    def forgetful_task():
        return list(Project.objects.filter(year=2026))

    with pytest.raises(ScopeError):
        contextvars.Context().run(forgetful_task)


@pytest.mark.parametrize(
    "run",
    [
        lambda qs: qs.count(),
        lambda qs: qs.exists(),
        lambda qs: qs.aggregate(n=Count("id")),
        lambda qs: qs.update(title="改"),
        lambda qs: qs.delete(),
        lambda qs: list(qs.iterator()),
        lambda qs: qs.first(),
        lambda qs: qs.values_list("id", flat=True)[0],
        lambda qs: qs.get(pk=1),
    ],
    ids=["count", "exists", "aggregate", "update", "delete", "iterator", "first", "values",
         "get"],
)
def test_every_way_to_run_a_query_outside_a_scope_raises(run):
    with pytest.raises(ScopeError):
        contextvars.Context().run(lambda: run(Project.objects.filter(year=2026)))


def test_a_form_built_outside_a_scope_takes_the_scope_it_is_used_in(councils):
    """Choices declared when a module is imported wait for the request's scope."""
    from projects.forms import ProjectForm

    with scope(council=councils["b"].pk):
        choices = {c.pk for c in ProjectForm().fields["community"].queryset}
    assert councils["B"]["pairing"].community_id in choices
    assert councils["A"]["pairing"].community_id not in choices


# --- A council addressed by its prefix or host ----------------------------------------------


class AddressedCouncil:
    """Stands in for the address middleware (host or /c/<slug>/ prefix): the council named
    by the X-Council header, as ``request.council``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        slug = request.headers.get("X-Council")
        if slug:
            request.council = Council.objects.get(slug=slug)
        return self.get_response(request)


@pytest.fixture
def addressed(settings):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("units.middleware.CouncilScopeMiddleware"),
        "tests.test_council_isolation.AddressedCouncil",
    )
    settings.MIDDLEWARE = middleware


OFFICE_PAGES = [
    "units:unit-list",
    "units:community-list",
    "projects:need-inbox",
    "projects:meeting-list",
    "records:contribution-list",
    "reminders:pairing-health",
    "accounts:user-list",
]

#: POSTs anyone signed in may make whichever council they look at: their own session,
#: language, inbox, reminder preferences and password (and an SMS opt-out link).
ONES_OWN = {
    "accounts:logout", "set_language", "care-mode", "reminders:mark-all-read",
    "accounts:password-change", "accounts:login", "reminders:preferences",
    "reminders:sms-opt-out",
}  # fmt: skip


def test_staff_of_one_council_get_403_on_another_councils_office_pages(councils, addressed):
    alice = _signed_in(councils["alice"])
    for name in OFFICE_PAGES:
        assert alice.get(reverse(name), HTTP_X_COUNCIL="fengjing").status_code == 403, name
        assert alice.get(reverse(name)).status_code == 200, name


def test_staff_of_a_council_see_its_rows_when_it_is_addressed(councils, addressed):
    bert = _signed_in(councils["bert"])
    page = bert.get(reverse("units:unit-list"), HTTP_X_COUNCIL="fengjing").content.decode()
    assert "乙成员单位" in page
    assert "甲成员单位" not in page


def test_district_staff_read_any_council(councils, addressed):
    district = _signed_in(UserFactory(username="dora", is_staff=True, council=None))
    page = district.get(reverse("units:unit-list"), HTTP_X_COUNCIL="fengjing")
    assert page.status_code == 200
    assert "乙成员单位" in page.content.decode()
    url = _url(next(r for r in ROUTES if r.name == "units:unit-detail"), councils["B"])
    assert district.get(url, HTTP_X_COUNCIL="fengjing").status_code == 200


def test_district_staff_change_nothing_on_any_route(councils, addressed):
    before = _snapshot(councils["b"])
    district = _signed_in(UserFactory(username="dora", is_staff=True, council=None))
    data = _hostile_post(councils["B"])
    let_in = []
    for route in ROUTES:
        if route.name in ONES_OWN or route.name.startswith("admin:"):
            continue
        url = _url(route, councils["B"])
        response = district.post(url, data, HTTP_X_COUNCIL="fengjing")
        if response.status_code not in (403, 404, 405):
            let_in.append(f"POST {url} ({route.name}): {response.status_code}")
    assert let_in == [], "\n".join(let_in)
    assert _snapshot(councils["b"]) == before


# --- Outside a request: tasks start with no scope ------------------------------------------


def test_the_sweep_and_delivery_run_from_a_fresh_context(councils):
    """A Celery worker starts each task with no scope: the sweep reads every council (each
    in its own scope) and a delivery finds its subject in whichever council holds it."""
    from reminders.models import Reminder
    from reminders.tasks import deliver_reminder, sweep_and_enqueue

    today = datetime.date(2026, 11, 20)  # both meetings (28 November) are a week away
    contextvars.Context().run(sweep_and_enqueue, today)

    told = set(Reminder.objects.filter(kind=Reminder.Kind.MEETING).values_list(
        "recipient__username", "subject_id"
    ))  # fmt: skip
    assert told == {
        ("liaison-甲", councils["A"]["meeting"].pk),
        ("liaison-乙", councils["B"]["meeting"].pk),
    }
    reminder = Reminder.objects.get(recipient__username="liaison-乙", kind=Reminder.Kind.MEETING)
    assert contextvars.Context().run(deliver_reminder, reminder.pk) == "sent"


# --- One unit, several councils -------------------------------------------------------------


@pytest.fixture
def shared(councils):
    """甲成员单位 (A's) joins B's network too, and is paired with a community of B."""
    unit = councils["A"]["unit"]
    with scope(council=councils["b"].pk):
        unit.join()
        pairing = PairingFactory(unit=unit, community=councils["B"]["pairing"].community)
    return {"unit": unit, "b_pairing": pairing, **councils}


def test_a_liaison_sees_the_units_pairings_in_every_council_it_takes_part_in(shared):
    liaison = Client()
    liaison.force_login(shared["A"]["liaison"])
    page = liaison.get(reverse("units:my-pairings")).content.decode()
    assert "甲村" in page and "乙村" in page
    visit_form = reverse("units:visit-create", args=[shared["b_pairing"].pk])
    assert liaison.get(visit_form).status_code == 200


def test_a_liaison_cannot_reach_another_units_pairing_in_another_council(councils):
    liaison = Client()
    liaison.force_login(councils["A"]["liaison"])
    visit_form = reverse("units:visit-create", args=[councils["B"]["pairing"].pk])
    assert liaison.get(visit_form).status_code in (403, 404)


def test_a_unit_of_another_council_entered_by_name_joins_instead_of_a_second_record(
    councils, addressed
):
    bert = _signed_in(councils["bert"])
    response = bert.post(
        reverse("units:unit-create"), {"name": "甲成员单位"}, HTTP_X_COUNCIL="fengjing"
    )
    unit = councils["A"]["unit"]
    assert response.status_code == 302
    assert MemberUnit.objects.filter(name="甲成员单位").count() == 1
    with scopes_disabled():
        assert set(unit.memberships.values_list("council__slug", flat=True)) == {
            councils["a"].slug, "fengjing",
        }  # fmt: skip


def test_leaving_one_council_ends_only_that_membership(shared, addressed):
    bert = _signed_in(shared["bert"])
    unit = shared["unit"]
    url = reverse("units:unit-deactivate", args=[unit.pk])
    bert.post(url, {"left_on": "2026-06-30"}, HTTP_X_COUNCIL="fengjing")
    unit.refresh_from_db()
    assert unit.is_active  # still in A's network
    with scopes_disabled():
        active = dict(unit.memberships.values_list("council__slug", "is_active"))
    assert active == {shared["a"].slug: True, "fengjing": False}


def test_a_units_calendar_has_the_meetings_of_every_council_it_takes_part_in(shared):
    from opendata.feeds import unit_calendar

    ics = contextvars.Context().run(unit_calendar, shared["unit"], lambda path: path).decode()
    assert ics.count("BEGIN:VEVENT") >= 3  # two pairings' visits, both councils' meetings
    assert shared["A"]["meeting"].title in ics and shared["B"]["meeting"].title in ics
