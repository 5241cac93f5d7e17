import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from tests.factories import UserFactory
from units.models import MemberUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_it_never_deletes_member_units_in_the_admin(admin_client, unit_a, rf):
    model_admin = site._registry[MemberUnit]
    request = rf.get("/")
    request.user = UserFactory(username="root2", is_staff=True, is_superuser=True)
    assert model_admin.has_delete_permission(request, unit_a) is False
    response = admin_client.post(reverse("admin:units_memberunit_delete", args=[unit_a.pk]))
    assert response.status_code == 403
    assert MemberUnit.objects.filter(pk=unit_a.pk).exists()


def test_it_deactivates_and_reactivates_selected_units(admin_client, unit_a, unit_b):
    url = reverse("admin:units_memberunit_changelist")
    ids = [unit_a.pk, unit_b.pk]
    admin_client.post(url, {"action": "deactivate_units", "_selected_action": ids})
    assert list(MemberUnit.objects.values_list("is_active", flat=True)) == [False, False]
    assert not MemberUnit.objects.filter(left_on__isnull=True).exists()
    admin_client.post(url, {"action": "reactivate_units", "_selected_action": ids})
    assert list(MemberUnit.objects.values_list("is_active", flat=True)) == [True, True]


@pytest.mark.parametrize("model", ["district", "community", "memberunit", "partybranch",
                                   "pairing", "visit"])
def test_it_shows_every_registry_model_and_its_history(admin_client, model, unit_a):
    assert admin_client.get(reverse(f"admin:units_{model}_changelist")).status_code == 200
    history = admin_client.get(reverse("admin:units_memberunit_history", args=[unit_a.pk]))
    assert history.status_code == 200
