"""The demo's resource list: enough resources over the units, every kind, the article's
offers among them, and matches in each status."""

import io

import pytest
from django.core.management import call_command

from demo import article
from projects.models import Match
from units.models import MemberUnit, Resource

pytestmark = pytest.mark.django_db


def test_it_loads_the_resource_list_and_matches_in_each_status():
    call_command("load_demo", stdout=io.StringIO())

    assert Resource.objects.count() >= 150
    zhujing = MemberUnit.objects.filter(memberships__council__slug="zhujing")
    assert Resource.objects.values("unit").distinct().count() == zhujing.count() == 143
    assert set(Resource.objects.values_list("kind", flat=True)) == set(Resource.Kind.values)
    for unit, kind, title, categories, served, _m, _d in article.RESOURCES:
        resource = Resource.objects.get(unit__name=unit, title=title)
        assert (resource.kind, resource.categories) == (kind, categories)
        assert [c.name for c in resource.communities.all()] == served
    assert set(Match.objects.values_list("status", flat=True)) == {
        "proposed",
        "accepted",
        "declined",
    }

    call_command("load_demo", stdout=io.StringIO())  # again: nothing doubles
    assert Resource.objects.count() == Resource.objects.values("unit", "title").distinct().count()
