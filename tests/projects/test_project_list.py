import pytest
from django.urls import reverse

from projects.models import Project
from tests.factories import (
    AdoptionFactory,
    CommunityFactory,
    DistrictFactory,
    MilestoneFactory,
    ProjectFactory,
)
from tests.projects.board_helpers import make_board
from tests.queries import assert_same_queries, get_queries

pytestmark = pytest.mark.django_db
URL = reverse("projects:project-list")


def _titles(response):
    return {p.title for p in response.context["page"].object_list}


@pytest.mark.parametrize("url", [URL, URL + "?category=culture&q=批量", URL + "?page=2"])
def test_it_uses_the_same_number_of_queries_for_10_and_1000_projects(anon, url):
    make_board(10)
    small = get_queries(anon, url)
    make_board(990)
    large = get_queries(anon, url)
    assert_same_queries(small, large, at_most=9)  # + the councils, read once per data version


def test_it_shows_cards_with_status_units_and_milestone_progress(anon):
    project = ProjectFactory(title="阳光坡道", status=Project.Status.IN_PROGRESS)
    AdoptionFactory(project=project, unit__name="金山区财政局")
    MilestoneFactory(project=project, done_on="2026-01-02")
    MilestoneFactory(project=project)
    MilestoneFactory(project=project)
    html = anon.get(URL).content.decode()
    assert "阳光坡道" in html
    assert "实施中" in html
    assert "金山区财政局" in html
    assert '<progress max="3" value="1">' in html
    assert "style=" not in html


def test_it_hides_drafts_from_the_public(anon):
    ProjectFactory(title="公开项目", status=Project.Status.OPEN)
    ProjectFactory(title="草稿项目", status=Project.Status.DRAFT)
    response = anon.get(URL)
    assert _titles(response) == {"公开项目"}
    assert anon.get(URL + "?status=draft").context["page"].paginator.count == 1


def test_it_lets_staff_filter_drafts(staff_client):
    ProjectFactory(title="公开项目", status=Project.Status.OPEN)
    ProjectFactory(title="草稿项目", status=Project.Status.DRAFT)
    assert _titles(staff_client.get(URL + "?status=draft")) == {"草稿项目"}


def test_it_filters_by_each_field(anon):
    east = DistrictFactory(name="东片")
    west = DistrictFactory(name="西片")
    wanlian = CommunityFactory(name="万联村", district=east)
    wulong = CommunityFactory(name="五龙村", district=west)
    ProjectFactory(title="党建长廊", community=wanlian, category="culture", year=2018,
                   status="completed", description="宣传长廊")
    ProjectFactory(title="爱五路亮灯工程", community=wulong, category="construction",
                   year=2017, status="completed", description="路灯")
    ProjectFactory(title="村口凉亭", community=wanlian, category="beautiful_home", year=2026,
                   status="open", description="凉亭")

    assert _titles(anon.get(URL, {"district": east.pk})) == {"党建长廊", "村口凉亭"}
    assert _titles(anon.get(URL, {"community": wulong.pk})) == {"爱五路亮灯工程"}
    assert _titles(anon.get(URL, {"category": "culture"})) == {"党建长廊"}
    assert _titles(anon.get(URL, {"status": "open"})) == {"村口凉亭"}
    assert _titles(anon.get(URL, {"year": 2017})) == {"爱五路亮灯工程"}
    assert _titles(anon.get(URL, {"q": "路灯"})) == {"爱五路亮灯工程"}
    assert _titles(anon.get(URL, {"q": "凉亭", "district": east.pk})) == {"村口凉亭"}


def test_it_counts_projects_per_category_for_the_current_filter(anon):
    community = CommunityFactory()
    ProjectFactory.create_batch(3, category="culture", community=community)
    ProjectFactory.create_batch(2, category="care_aid", community=community)
    ProjectFactory.create_batch(4, category="culture")  # another community
    ProjectFactory(category="culture", community=community, status="draft")
    response = anon.get(URL, {"community": community.pk, "category": "culture"})
    counts = {c["value"]: c["count"] for c in response.context["category_counts"]}
    assert counts["culture"] == 3
    assert counts["care_aid"] == 2
    assert counts["construction"] == 0
    assert response.context["page"].paginator.count == 3


def test_it_ignores_bad_filter_values(anon):
    ProjectFactory(title="某项目")
    response = anon.get(URL, {"year": "abc", "category": "nonsense", "community": "999999"})
    assert response.status_code == 200


def test_it_paginates(anon):
    make_board(45)
    response = anon.get(URL, {"page": 3})
    assert len(response.context["page"].object_list) == 5
    assert "第 3 / 3 页" in response.content.decode()


def test_it_answers_htmx_with_the_results_partial(anon):
    ProjectFactory(title="健康小屋")
    response = anon.get(URL, {"q": "健康"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "健康小屋" in html
    assert "<html" not in html


def test_it_works_without_javascript_links_have_hrefs(anon):
    make_board(30)
    html = anon.get(URL).content.decode()
    assert 'href="?page=2"' in html
    assert 'data-hx-get="?page=2"' in html
    assert 'method="get" action="/projects/"' in html


def test_it_answers_a_history_restore_with_the_whole_page(anon):
    ProjectFactory(title="健康小屋")
    response = anon.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_it_composes_the_category_chip_with_the_district_select(anon):
    south, east = DistrictFactory(name="城南"), DistrictFactory(name="城东")
    in_south = CommunityFactory(district=south, name="南圩居民区")
    in_east = CommunityFactory(district=east, name="东林村")
    ProjectFactory(title="南部文化", category="culture", community=in_south)
    ProjectFactory(title="南部便民", category="convenience", community=in_south)
    ProjectFactory(title="东部文化", category="culture", community=in_east)

    response = anon.get(URL, {"category": "culture", "district": south.pk}, HTTP_HX_REQUEST="true")
    assert _titles(response) == {"南部文化"}
    html = response.content.decode()
    # The swapped part carries the form, so the selects show the state of the URL.
    assert '<option value="culture" selected>' in html
    assert f'<option value="{south.pk}" selected>' in html
    # The district narrows the community list.
    assert "南圩居民区</option>" in html and "东林村</option>" not in html


def test_it_drops_only_a_community_outside_the_chosen_district(anon):
    south, east = DistrictFactory(name="城南"), DistrictFactory(name="城东")
    in_south = CommunityFactory(district=south)
    in_east = CommunityFactory(district=east)
    ProjectFactory(title="南部文化", category="culture", community=in_south)
    ProjectFactory(title="南部便民", category="convenience", community=in_south)
    ProjectFactory(title="东部文化", category="culture", community=in_east)

    response = anon.get(URL, {"category": "culture", "district": south.pk, "community": in_east.pk})
    assert _titles(response) == {"南部文化"}


@pytest.mark.parametrize("size", [20, 130])
def test_its_community_menu_stays_bounded(anon, settings, size):
    """A town lists its 45 communities; a network past 100 asks for a district first and
    lists only the district's (the board at a city's size had 2,250 options)."""
    from projects.forms import ProjectFilterForm

    district, other = DistrictFactory(name="城南"), DistrictFactory(name="城东")
    communities = [
        CommunityFactory(district=district if i % 2 else other, name=f"菜单村{i:03d}")
        for i in range(size)
    ]
    html = anon.get(URL).content.decode()
    listed = html.count(">菜单村")
    assert listed == (size if size <= ProjectFilterForm.COMMUNITY_CHOICES_MAX else 0)
    chosen = communities[3]
    html = anon.get(URL, {"district": district.pk, "community": chosen.pk}).content.decode()
    assert html.count(">菜单村") == size // 2
    assert f'<option value="{chosen.pk}" selected>' in html
    # Asked without its district, the chosen one stays shown (and filters).
    html = anon.get(URL, {"community": chosen.pk}).content.decode()
    assert f'<option value="{chosen.pk}" selected>' in html
