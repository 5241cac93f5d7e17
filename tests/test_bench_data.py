"""A quick check of the benchmark's data generator at a tiny scale (the benchmark itself
is `make bench`, never part of the test suite)."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.models import Adoption, Project
from units.models import MemberUnit
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_it_loads_a_consistent_data_set_and_the_load_generator_fixture(tmp_path):
    fixture = tmp_path / "fixture.json"
    call_command("bench_data", "--scale", "0.02", "--force", "--fixture", str(fixture))

    assert MemberUnit.objects.count() >= 5
    assert User.objects.filter(unit__isnull=False).count() == MemberUnit.objects.count()
    for project in Project.objects.all():
        assert project.adopted_count <= project.capacity
        assert Adoption.objects.filter(project=project).count() == project.adopted_count

    spec = json.loads(fixture.read_text())
    assert spec["scenarios"]["trivial"]["paths"] == ["/healthz/"]
    assert not spec["scenarios"]["trivial"]["stand_in"]
    assert len(spec["liaisons"]) == MemberUnit.objects.count()
    assert spec["counts"]["projects"] == Project.objects.count()


def test_it_gives_each_liaison_a_working_session(client, tmp_path, settings):
    fixture = tmp_path / "fixture.json"
    call_command("bench_data", "--scale", "0.02", "--force", "--fixture", str(fixture))
    login = json.loads(fixture.read_text())["liaisons"][0]

    client.cookies[settings.SESSION_COOKIE_NAME] = login["session"]
    assert client.get("/accounts/password/").status_code == 200


def test_it_refuses_to_wipe_a_database_that_is_not_for_benchmarks():
    with pytest.raises(CommandError):
        call_command("bench_data", "--scale", "0.02")
