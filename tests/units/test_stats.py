import datetime

import pytest
from django.urls import reverse

from tests.factories import MemberUnitFactory, PairingFactory
from units.stats import membership_by_year

pytestmark = pytest.mark.django_db


def test_membership_counts_joiners_and_leavers():
    series = membership_by_year([(1997, None, 22), (2000, None, 3), (1997, 2001, 2)], until=2002)
    by_year = {year: total for year, total, _ in series}
    assert by_year[1997] == 24
    assert by_year[1999] == 24
    assert by_year[2000] == 27
    assert by_year[2001] == 25
    assert by_year[2002] == 25


def test_it_shows_units_by_category_and_growth(anon):
    for i in range(3):
        MemberUnitFactory(joined_year=1997)
    MemberUnitFactory(joined_year=2010, category="enterprise", level="")
    MemberUnitFactory(
        joined_year=2005, category="stationed", level="", is_active=False,
        left_on=datetime.date(2015, 6, 1),
    )
    response = anon.get(reverse("units:stats"))
    assert response.status_code == 200
    ctx = response.context
    assert ctx["total_active"] == 4
    assert ctx["founding_members"] == 3
    assert ctx["organs"] == 3 and ctx["others"] == 1
    growth = {year: total for year, total, _ in ctx["growth"]}
    assert growth[1997] == 3
    assert growth[2010] == 5
    assert growth[2015] == 4
    html = response.content.decode()
    assert "市、区级机关" in html and "新经济组织" in html
    assert "1390000" not in html  # liaison phones never appear


@pytest.mark.parametrize("size", [5, 100])
def test_its_query_count_does_not_grow(anon, size, django_assert_max_num_queries):
    for i in range(size):
        MemberUnitFactory(joined_year=1997 + i % 25)
    with django_assert_max_num_queries(10):  # 8 + the pages' data version + the councils
        anon.get(reverse("units:stats"))


def test_it_nests_city_and_district_organs_under_organs_and_keeps_programmes_apart(anon):
    MemberUnitFactory(category="organ", level="city")
    MemberUnitFactory(category="social_org", level="")
    PairingFactory(programme="double_hundred")
    html = anon.get(reverse("units:stats")).content.decode()
    organs, social = html.index("市、区级机关"), html.index("新社会组织")
    assert organs < html.index("其中市级") < social
    modes_total = html.index("合计", html.index("结对共建模式"))
    assert modes_total < html.index("双百结对")

