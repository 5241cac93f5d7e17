"""Pages that show liaisons' or residents' contacts are never stored by a browser or proxy."""

import pytest
from django.urls import reverse

from tests.factories import NeedFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name,args",
    [
        ("units:unit-detail", "unit"),
        ("reminders:pairing-health", None),
        ("projects:need-inbox", None),
        ("accounts:user-list", None),
    ],
)
def test_a_page_with_private_contacts_says_no_store(staff_client, unit_a, name, args):
    NeedFactory(contact_name="王阿姨", contact_phone="13800000000")
    url = reverse(name, args=[unit_a.pk] if args else None)
    response = staff_client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_public_page_may_still_be_cached(anon):
    response = anon.get(reverse("projects:project-list"))
    assert "no-store" not in response.get("Cache-Control", "")
