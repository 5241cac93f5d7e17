"""/reports/ lists the years of the annual report, and the public pages link to it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from records.models import AssessmentFinalisation
from tests.factories import ProjectFactory
from tests.queries import assert_same_queries, get_queries

pytestmark = pytest.mark.django_db


def test_it_lists_the_years_newest_first_with_their_projects(anon, staff):
    this_year = timezone.localdate().year
    ProjectFactory(year=2024, status=Project.Status.COMPLETED)
    ProjectFactory(year=2024, status=Project.Status.IN_PROGRESS)
    ProjectFactory(year=2023, status=Project.Status.DRAFT)  # not public: no 2023
    AssessmentFinalisation.objects.create(year=2024, finalised_by=staff, unit_count=2)
    response = anon.get("/reports/")
    html = response.content.decode()
    assert response.status_code == 200
    links = [reverse("records:annual-report", args=[y]) for y in (this_year, 2024)]
    assert all(f'href="{link}"' in html for link in links)
    assert html.index(links[0]) < html.index(links[1])
    assert reverse("records:annual-report", args=[2023]) not in html
    assert "2 个项目，已完成 1 个" in html and "已定稿" in html


@pytest.mark.parametrize("path", ["/", "/projects/"])
def test_the_public_pages_link_to_the_reports(anon, path):
    assert 'href="/reports/"' in anon.get(path).content.decode()


def test_it_reads_the_same_number_of_queries_for_more_years(anon, staff):
    ProjectFactory(year=2024)
    small = get_queries(anon, "/reports/")
    for year in (2019, 2020, 2021, 2022):
        ProjectFactory(year=year)
        AssessmentFinalisation.objects.create(year=year, finalised_by=staff, unit_count=1)
    # + the councils, read once per data version
    assert_same_queries(small, get_queries(anon, "/reports/"), at_most=4)
