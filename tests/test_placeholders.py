"""No select or radio group shows Django's “---------”: selects say 请选择…, radio groups have
no empty choice."""

import pytest
from django.urls import reverse

from projects.models import Project
from tests.factories import AdoptionFactory, PairingFactory, ProjectFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def test_it_shows_no_dashes_on_the_liaisons_forms(liaison_client, unit_a):
    pairing = PairingFactory(unit=unit_a)
    project = ProjectFactory(status=Project.Status.IN_PROGRESS, adopted_count=1)
    AdoptionFactory(project=project, unit=unit_a)
    resource = ResourceFactory(unit=unit_a)
    for url in [
        reverse("records:contribution-create-project", args=[project.pk]),
        reverse("records:contribution-create-pairing", args=[pairing.pk]),
        reverse("units:resource-create"),
        reverse("units:resource-edit", args=[resource.pk]),
    ]:
        html = liaison_client.get(url).content.decode()
        assert "---------" not in html, url
    html = liaison_client.get(reverse("units:resource-create")).content.decode()
    assert 'name="kind" value=""' not in html  # no empty radio button


def test_it_shows_no_dashes_on_the_rating_form(staff_client, unit_a):
    html = staff_client.get(reverse("records:assessment-rate", args=[2025, unit_a.pk])).content
    assert b"---------" not in html and "请选择".encode() in html
