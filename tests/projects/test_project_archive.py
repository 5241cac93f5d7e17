import pytest
from django.urls import reverse

from tests.factories import AdoptionFactory, ProjectFactory
from tests.projects.board_helpers import make_board
from tests.queries import assert_same_queries, get_queries

pytestmark = pytest.mark.django_db
URL = reverse("projects:project-archive")


def test_it_lists_completed_projects_by_year(anon):
    done = ProjectFactory(title="阳光坡道", year=2017, status="completed")
    AdoptionFactory(project=done, unit__name="金山区财政局")
    ProjectFactory(title="福满塘园", year=2018, status="completed")
    ProjectFactory(title="村口凉亭", year=2026, status="open")
    ProjectFactory(title="草稿", year=2026, status="draft")
    html = anon.get(URL).content.decode()
    assert "2018 年" in html and "2017 年" in html
    assert html.index("福满塘园") < html.index("阳光坡道")
    assert "金山区财政局" in html
    assert "村口凉亭" not in html and "草稿" not in html


def test_it_uses_the_same_number_of_queries_for_10_and_1000_projects(anon):
    make_board(10, statuses=("completed",))
    small = get_queries(anon, URL)
    make_board(990, statuses=("completed",))
    large = get_queries(anon, URL)
    assert_same_queries(small, large)
