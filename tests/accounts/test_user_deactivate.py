import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_it_deactivates_without_deleting(staff_client, liaison):
    response = staff_client.post(reverse("accounts:user-deactivate", args=[liaison.pk]))
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert not liaison.is_active
    assert User.objects.filter(pk=liaison.pk).exists()


def test_it_stops_a_deactivated_liaison_from_logging_in(client, staff_client, liaison):
    staff_client.post(reverse("accounts:user-deactivate", args=[liaison.pk]))
    response = client.post(reverse("accounts:login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_reactivates(staff_client, liaison):
    staff_client.post(reverse("accounts:user-deactivate", args=[liaison.pk]))
    staff_client.post(reverse("accounts:user-reactivate", args=[liaison.pk]))
    liaison.refresh_from_db()
    assert liaison.is_active


def test_it_only_accepts_post(staff_client, liaison):
    assert staff_client.get(reverse("accounts:user-deactivate", args=[liaison.pk])).status_code == 405


def test_it_is_for_staff_only(other_liaison_client, liaison):
    response = other_liaison_client.post(reverse("accounts:user-deactivate", args=[liaison.pk]))
    assert response.status_code == 403
    liaison.refresh_from_db()
    assert liaison.is_active
