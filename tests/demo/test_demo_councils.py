"""The demo's district: Zhujing and two more councils of Jinshan, with organs shared between
them, a login for each council's office and one for the district."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from django_scopes import scopes_disabled

from core.access import is_district_staff
from demo import article
from projects.models import Adoption, JointMeeting
from records.models import AnnualAssessment, AssessmentFinalisation
from tests.demodb import demo, demo_in_module  # noqa: F401 - fixtures
from units.models import Council, MemberUnit, Membership, Pairing

pytestmark = pytest.mark.django_db


def test_it_loads_three_councils_of_the_district(demo):
    with scopes_disabled():
        assert list(Council.objects.values_list("slug", "name")) == [
            ("zhujing", "朱泾镇"),
            ("fengjing", "枫泾镇"),
            ("shihua", "石化街道"),
        ]
        for council in Council.objects.exclude(slug="zhujing"):
            assert council.districts.count() == 2
            assert council.pairings.count() == 6
            assert council.visits.exists()
            assert council.needs.filter(status="pending").exists()
            adoptions = Adoption.objects.filter(project__council=council)
            assert set(adoptions.values_list("kind", flat=True)) == {"new", "renewal"}
            assert JointMeeting.objects.filter(council=council).count() == 2


def test_it_shares_the_finance_bureau_between_the_three_councils(demo):
    with scopes_disabled():
        bureau = MemberUnit.objects.get(name=article.CAIZHENG)
        assert MemberUnit.objects.filter(name=article.CAIZHENG).count() == 1
        councils = set(bureau.memberships.values_list("council__slug", flat=True))
        assert councils == {"zhujing", "fengjing", "shihua"}
        paired_in = set(Pairing.objects.filter(unit=bureau).values_list("council__slug", flat=True))
        assert paired_in == councils
        adopted_in = set(bureau.adoptions.values_list("project__council__slug", flat=True))
        assert adopted_in == councils
        shared = Membership.objects.values("unit").annotate(n=Count("id")).filter(n__gt=1)
        assert shared.count() == 3


def test_it_finalises_last_year_in_every_council(demo):
    year = timezone.localdate().year - 1
    with scopes_disabled():
        assert set(
            AssessmentFinalisation.objects.filter(year=year).values_list("council__slug", flat=True)
        ) == {"zhujing", "fengjing", "shihua"}
        fengjing = Council.objects.get(slug="fengjing")
        assessed = AnnualAssessment.objects.filter(council=fengjing, year=year)
        assert assessed.count() == fengjing.memberships.count() == 5
        assert all(a.finalised_at for a in assessed)


def test_it_gives_each_council_an_office_login_and_the_district_one(demo):
    users = {u.username: u for u in get_user_model().objects.select_related("council")}
    assert users["office"].council.slug == "zhujing"
    assert users["fengjing"].council.slug == "fengjing"
    assert users["shihua"].council.slug == "shihua"
    assert is_district_staff(users["district"])
    assert not any(is_district_staff(users[name]) for name in ("office", "fengjing", "caizheng"))
    for login in ("fengjing", "shihua", "district"):
        assert f"  {login} " in demo.output


def test_a_second_run_changes_no_council(demo):
    def counts():
        with scopes_disabled():
            return [
                (c.slug, c.projects.count(), c.pairings.count(), c.visits.count(),
                 c.contributions.count(), c.memberships.count(), c.needs.count(),
                 c.annualassessments.count(), c.resources.count())
                for c in Council.objects.all()
            ]  # fmt: skip

    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before
