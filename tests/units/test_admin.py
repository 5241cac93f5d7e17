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


def test_it_adds_a_council_at_a_host_name_the_server_answers_for(admin_client, settings):
    from units.models import Council

    settings.ALLOWED_HOSTS = ["testserver", ".jinshan.example.org"]
    url = reverse("admin:units_council_add")
    fields = {"name": "枫泾镇", "network_name": "", "kind": "town", "slug": "fengjing",
              "position": 2, "is_active": "on"}  # fmt: skip
    refused = admin_client.post(url, {**fields, "host": "fengjing.example.org"})
    assert refused.status_code == 200
    assert "COUNCIL_HOSTS" in refused.content.decode()
    malformed = admin_client.post(url, {**fields, "host": "https://fengjing.jinshan.example.org/"})
    assert malformed.status_code == 200
    assert not Council.objects.filter(slug="fengjing").exists()

    saved = admin_client.post(url, {**fields, "host": "FengJing.Jinshan.example.org"})
    assert saved.status_code == 302
    assert Council.objects.get(slug="fengjing").host == "fengjing.jinshan.example.org"
