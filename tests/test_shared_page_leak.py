"""No signed-in page shared by an audience shows one user what belongs to another.

Every page whose view is decorated ``shared_page(signed_in=True)`` or ``(per_unit=True)``
is rendered by a first user of an audience (which stores the copy), then by a second user of
the same audience (served from that copy), and compared with a fresh render for the second
user with the cache off: the pages must be the same but for the CSRF tokens. Audiences: two
office staff and two liaisons of different units for pages shared by role; two liaisons of
one unit for a unit's own pages. Any per-user detail outside the header slot
(a name, a badge, a unit's own data) makes this fail; so does a header that is not in a slot.
"""

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, resolve

from tests.factories import (
    AdoptionFactory,
    JointMeetingFactory,
    MemberUnitFactory,
    NeedFactory,
    PairingFactory,
    ProjectFactory,
    UserFactory,
)
from tests.urlwalk import app_routes
from reminders.models import Notification

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]{32,64}"')


def _shared_signed_in_routes():
    """[(route, "role" or "unit")] for every shared signed-in page without or with a pk."""
    routes = []
    for route in app_routes():
        kwargs = {"pk": 0} if route.kwarg_names == ["pk"] else {} if not route.kwarg_names else None
        if kwargs is None:
            continue
        try:
            view = resolve(route.url({k: 1 for k in kwargs})).func
        except NoReverseMatch:
            continue  # a parameter no dummy value fits: not one of the shared pages
        if getattr(view, "shared_page", "public") != "public":
            routes.append((route, view.shared_page))
    return routes


@pytest.fixture
def world(settings):
    settings.PUBLIC_PAGE_CACHE = True
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(title="测试共享项目", capacity=2)
    unit_a, unit_b = MemberUnitFactory(name="测试甲单位"), MemberUnitFactory(name="测试乙单位")
    AdoptionFactory(project=ProjectFactory(title="测试甲认领项目", status="adopted", adopted_count=1),
                    unit=unit_a, meeting=meeting)
    PairingFactory(unit=unit_a, community__name="测试甲结对村")
    PairingFactory(unit=unit_b, community__name="测试乙结对村")
    NeedFactory(text="测试待审需求")
    return {"project": project}


def _persona(name, **fields):
    user = UserFactory(username=name, display_name=f"测试{name}", **fields)
    Notification.objects.create(user=user, title=f"给{name}的通知")
    client = Client()
    client.force_login(user)
    return client


def _without_tokens(html):
    return TOKEN.sub(r"\1TOKEN", html)


def _audiences():
    """{(audience, what the pages are shared by): (first user, second user)}"""
    one_unit = MemberUnitFactory(name="测试一号单位")
    return {
        ("staff", "role"): (_persona("staff1", is_staff=True), _persona("staff2", is_staff=True)),
        ("liaisons", "role"): (
            _persona("liaison1", unit=one_unit),
            _persona("liaison2", unit=MemberUnitFactory(name="测试二号单位")),
        ),
        ("one unit's liaisons", "unit"): (
            _persona("liaison3", unit=one_unit),
            _persona("liaison4", unit=one_unit),
        ),
    }


def test_it_covers_the_shared_signed_in_pages():
    names = {route.name for route, _shared_by in _shared_signed_in_routes()}
    assert {"projects:project-list", "projects:project-detail", "units:my-pairings"} <= names


def test_it_shows_the_second_user_of_an_audience_exactly_their_own_fresh_page(world, settings):
    checked = []
    for (audience, shared_by), (first, second) in _audiences().items():
        for route, route_shared_by in _shared_signed_in_routes():
            if route_shared_by != shared_by:
                continue
            url = route.url({"pk": world["project"].pk} if route.kwarg_names else {})
            settings.PUBLIC_PAGE_CACHE = True
            if first.get(url).status_code != 200:
                continue  # not this audience's page (the access check said so)
            cached = second.get(url)
            assert cached.status_code == 200, url
            assert cached.get("X-Page-Cache") == "hit", f"{audience}: {url} was not shared"
            settings.PUBLIC_PAGE_CACHE = False
            fresh = second.get(url)
            assert "X-Page-Cache" not in fresh
            assert _without_tokens(cached.content.decode()) == _without_tokens(
                fresh.content.decode()
            ), f"{audience}: {url} differs from a fresh render for the second user"
            checked.append((audience, route.name))
    assert {a for a, _ in checked} == {"staff", "liaisons", "one unit's liaisons"}
