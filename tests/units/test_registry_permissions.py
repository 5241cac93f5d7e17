"""Every registry page is for office staff only: the permission matrix."""

import pytest
from django.urls import reverse

from tests.factories import CommunityFactory, PairingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(unit_a, unit_b):
    community = CommunityFactory(name="测试万联村")
    pairing = PairingFactory(community=community, unit=unit_a)
    return {"unit": unit_a, "community": community, "pairing": pairing}


PAGES = [
    ("units:unit-list", None),
    ("units:unit-create", None),
    ("units:unit-detail", "unit"),
    ("units:unit-edit", "unit"),
    ("units:unit-delete", "unit"),
    ("units:pairing-create", None),
    ("units:pairing-edit", "pairing"),
    ("units:pairing-end", "pairing"),  # asks before it ends
    ("units:community-list", None),
    ("units:community-create", None),
    ("units:community-detail", "community"),
    ("units:community-edit", "community"),
]
POSTS = [
    ("units:unit-deactivate", "unit"),
    ("units:unit-reactivate", "unit"),
    ("units:unit-delete", "unit"),
    ("units:pairing-end", "pairing"),
]


def _url(name, key, objects):
    return reverse(name, args=[objects[key].pk]) if key else reverse(name)


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_it_shows_pages_to_staff_only(persona_clients, objects, name, key):
    url = _url(name, key, objects)
    anon = persona_clients["anon"].get(url)
    assert anon.status_code == 302
    assert anon["Location"].startswith(reverse("accounts:login"))
    # bob is the liaison of the very unit shown: still not a registry user.
    assert persona_clients["liaison"].get(url).status_code == 403
    assert persona_clients["other_liaison"].get(url).status_code == 403
    assert persona_clients["staff"].get(url).status_code == 200


@pytest.mark.parametrize(("name", "key"), POSTS)
def test_it_lets_only_staff_post(persona_clients, objects, name, key):
    url = _url(name, key, objects)
    anon = persona_clients["anon"].post(url)
    assert anon.status_code == 302
    assert anon["Location"].startswith(reverse("accounts:login"))
    assert persona_clients["liaison"].post(url).status_code == 403
    assert persona_clients["other_liaison"].post(url).status_code == 403
    objects["unit"].refresh_from_db()
    objects["pairing"].refresh_from_db()
    assert objects["unit"].is_active and objects["pairing"].status == "active"
    # Staff get a redirect after the POST, or the delete refusal page (the unit is paired).
    assert persona_clients["staff"].post(url).status_code in (302, 409)


#: Actions that ask first: a GET shows the question.
ASKING = {"units:unit-delete", "units:pairing-end"}


@pytest.mark.parametrize(("name", "key"), [p for p in POSTS if p[0] not in ASKING])
def test_it_refuses_get_on_actions(staff_client, objects, name, key):
    assert staff_client.get(_url(name, key, objects)).status_code == 405


def test_it_answers_404_for_unknown_ids(staff_client):
    assert staff_client.get(reverse("units:unit-detail", args=[999999])).status_code == 404
    assert staff_client.get(reverse("units:community-detail", args=[999999])).status_code == 404
    assert staff_client.get(reverse("units:pairing-edit", args=[999999])).status_code == 404


def test_it_shows_registry_links_in_the_nav_to_staff_only(staff_client, liaison_client):
    staff_page = staff_client.get(reverse("home")).content.decode()
    assert reverse("units:unit-list") in staff_page
    assert reverse("units:pairing-create") in staff_page
    assert reverse("units:unit-list") not in liaison_client.get(reverse("home")).content.decode()
