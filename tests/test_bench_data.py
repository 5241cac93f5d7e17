"""A quick check of the benchmark's data generator at a tiny scale (the benchmark itself
is `make bench`, never part of the test suite)."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.models import Adoption, Project
from units.models import Community, District, MemberUnit, Pairing
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


def test_it_builds_several_towns_with_the_organs_shared():
    # At 2% of the rows a town has 5 communities, 2 organs (one city-level, one
    # district-level) and 3 local units (stationed, enterprise, social organisation).
    call_command("bench_data", "--scale", "4", "--rows", "0.02", "--force", stdout=io.StringIO())

    assert District.objects.count() == 4 * 5
    assert Community.objects.count() == 4 * 5
    organs = MemberUnit.objects.filter(category=MemberUnit.Category.ORGAN)
    assert organs.count() == 2  # once for the whole city
    assert MemberUnit.objects.exclude(category=MemberUnit.Category.ORGAN).count() == 4 * 3
    assert User.objects.filter(unit__isnull=False).count() == MemberUnit.objects.count()
    assert Project.objects.exclude(title__contains="联席会议认领项目").count() == 4 * 60
    # An organ is one record paired in the communities of several towns.
    towns_of = {}
    for unit_id, district in Pairing.objects.filter(unit__in=organs).values_list(
        "unit_id", "community__district__name"
    ):
        town = district.partition("镇")[0] if "镇" in district else "朱泾"  # 第2镇城南片区
        towns_of.setdefault(unit_id, set()).add(town)
    assert max(len(towns) for towns in towns_of.values()) >= 2


def test_it_refuses_a_fraction_of_towns():
    with pytest.raises(CommandError):
        call_command("bench_data", "--scale", "2.5", "--force")


def test_it_builds_a_city_of_councils_sharing_their_organs():
    from django.db.models import F
    from django_scopes import scopes_disabled

    from projects.models import JointMeeting, Need
    from units.models import Council, Membership, Visit

    call_command("bench_data", "--councils", "3", "--rows", "0.02", "--force", stdout=io.StringIO())

    with scopes_disabled():
        assert Council.objects.count() == 3
        first = Council.objects.get(pk=Council.first_id())
        assert User.objects.get(username="bench-staff").council == first
        for council in Council.objects.all():
            assert council.districts.count() == 5
            assert JointMeeting.objects.filter(council=council, adoption_open=True).count() == 1
        # Every owned row in its community's (or pairing's) council, set explicitly.
        assert not Project.objects.exclude(council=F("community__district__council")).exists()
        assert not Need.objects.exclude(council=F("community__district__council")).exists()
        assert not Pairing.objects.exclude(council=F("community__district__council")).exists()
        assert not Visit.objects.exclude(council=F("pairing__council")).exists()
        # A local unit in its own council; an organ one record, a member of several.
        organs = MemberUnit.objects.filter(category=MemberUnit.Category.ORGAN)
        assert organs.count() == 2
        assert Membership.objects.filter(unit__in=organs).values("council").distinct().count() > 1
        locals_ = MemberUnit.objects.exclude(category=MemberUnit.Category.ORGAN)
        assert all(u.memberships.count() == 1 for u in locals_)
        paired = Pairing.objects.filter(unit__isnull=False)
        assert not paired.exclude(unit__memberships__council=F("council")).exists()
