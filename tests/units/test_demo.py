import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo import loader as demo_loader
from tests.demodb import demo, demo_in_module  # noqa: F401 - fixtures
from units.models import Community, District, MemberUnit, Pairing, PartyBranch, Visit

pytestmark = pytest.mark.django_db

MODELS = [District, Community, MemberUnit, Pairing, Visit, PartyBranch]


def _snapshot():
    counts = {m.__name__: m.objects.count() for m in MODELS}
    counts.update({f"history:{m.__name__}": m.history.count() for m in MODELS})
    counts["users"] = get_user_model().objects.count()
    return counts


@pytest.fixture
def loaded(demo):
    return demo.output


# Zhujing's registry: the demo's other councils (tests/demo/test_demo_councils.py) have their own.
def _districts():
    return District.objects.filter(council__slug="zhujing")


def _units():
    return MemberUnit.objects.filter(memberships__council__slug="zhujing")


def _communities():
    return Community.objects.filter(district__council__slug="zhujing")


def test_it_prints_the_demo_logins(loaded):
    for username in ["office", "caizheng", "fating"]:
        assert username in loaded
    assert demo_loader.DEMO_PASSWORD in loaded


def test_it_is_idempotent(loaded):
    before = _snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert _snapshot() == before


def test_it_loads_the_article_figures(loaded):
    assert list(_districts().values_list("name", "kind", "position")) == [
        ("城南", "community", 1), ("城东", "community", 2), ("城西", "community", 3),
        ("东片", "rural", 4), ("西片", "rural", 5),
    ]
    assert _units().count() == 143
    assert _units().filter(category="organ").count() == 74
    assert _units().exclude(category="organ").count() == 69
    assert _units().filter(joined_year=1997).count() == 22
    assert 40 <= _communities().count() <= 50
    assert 60 <= Pairing.objects.filter(council__slug="zhujing").count() <= 100


def test_it_grows_membership_year_by_year_from_22_to_143(loaded):
    years = sorted(_units().values_list("joined_year", flat=True))
    cumulative = [sum(1 for y in years if y <= year) for year in range(1997, 2027)]
    assert cumulative[0] == 22 and cumulative[-1] == 143
    assert cumulative == sorted(cumulative)


def test_it_names_every_non_article_unit_and_community_as_a_sample(loaded):
    article_units = {"金山区财政局", "朱泾法庭", "金山公路建设有限公司", "中石化上海工程公司"}
    article_places = {"万联村", "五龙村", "南圩居民区", "钟楼居委会"}
    named = MemberUnit.objects.exclude(name__startswith="示例").values_list("name", flat=True)
    assert set(named) == article_units  # in every council of the demo
    assert set(Community.objects.exclude(name__startswith="示例").values_list("name", flat=True)) == (
        article_places
    )
    for unit in _units().filter(name__startswith="示例"):
        assert unit.liaison_phone.startswith("1380000")
        assert unit.liaison_email.endswith("@example.com")
    assert not _units().filter(name__in=article_units, liaison_name="").exists()


def test_it_puts_villages_in_rural_and_residential_areas_in_urban_districts(loaded):
    assert not Community.objects.filter(kind="village", district__kind="community").exists()
    assert not Community.objects.filter(kind="residential", district__kind="rural").exists()
    assert set(_communities().values_list("district__name", flat=True)) == {
        "城南", "城东", "城西", "东片", "西片"
    }


@pytest.mark.parametrize(
    ("community", "unit", "mode"),
    [
        ("万联村", "金山区财政局", "co_resident"),
        ("南圩居民区", "朱泾法庭", "co_resident"),
        ("钟楼居委会", "金山公路建设有限公司", "self_initiated"),
        ("五龙村", "中石化上海工程公司", "co_resident"),
    ],
)
def test_it_loads_the_article_pairings(loaded, community, unit, mode):
    pairing = Pairing.objects.get(community__name=community, unit__name=unit)
    assert pairing.mode == mode
    pairing.full_clean()


def test_it_signs_the_double_hundred_agreement(loaded):
    pairing = Pairing.objects.get(community__name="万联村", unit__name="金山区财政局")
    assert pairing.programme == "double_hundred"
    assert pairing.agreement_signed_on is not None


def test_it_covers_every_mode_programme_cadence_channel_and_branch_kind(loaded):
    assert set(Pairing.objects.values_list("mode", flat=True)) == set(Pairing.Mode.values)
    assert set(Pairing.Programme.values) <= set(Pairing.objects.values_list("programme", flat=True))
    assert set(Pairing.objects.values_list("visit_cadence_days", flat=True)) == {30, 60, 90}
    assert set(Visit.objects.values_list("channel", flat=True)) == set(Visit.Channel.values)
    assert set(PartyBranch.objects.values_list("kind", flat=True)) == set(PartyBranch.Kind.values)
    for pairing in Pairing.objects.select_related("unit", "partner_community"):
        pairing.full_clean()


def test_it_records_the_finance_bureaus_visits_to_wanlian(loaded):
    visits = Visit.objects.filter(
        pairing__community__name="万联村", pairing__unit__name="金山区财政局"
    )
    text = " ".join(visits.values_list("activities", flat=True))
    assert "困难党员" in text and "道路" in text


def test_it_creates_the_demo_logins(loaded):
    User = get_user_model()
    office = User.objects.get(username="office")
    assert office.is_staff and office.is_superuser and office.check_password(demo_loader.DEMO_PASSWORD)
    assert User.objects.get(username="caizheng").unit.name == "金山区财政局"
    assert User.objects.get(username="fating").unit.name == "朱泾法庭"
