"""projects.csv is streamed from plain rows, byte for byte the file it was before."""

import datetime
from pathlib import Path

import pytest
from django.db.models.signals import post_init
from django.http import StreamingHttpResponse
from django.urls import reverse

from projects.models import Adoption, Milestone, Need, Project
from units.models import Community, District, MemberUnit

pytestmark = pytest.mark.django_db
#: The file the view wrote for ``fixed_projects`` before it streamed (commit 244eb8d).
EXPECTED = Path(__file__).with_name("projects_fixture.csv")


@pytest.fixture
def fixed_projects(db):
    """Projects with fixed ids, names and every kind of awkward text a cell can hold."""
    north = District.objects.create(pk=9101, name="城北片区", kind="community", position=91)
    south = District.objects.create(pk=9102, name="=城南片区", kind="community", position=92)
    village = Community.objects.create(pk=9201, name="待泾村", kind="village", district=north)
    estate = Community.objects.create(pk=9202, name="东林居委", kind="residential", district=south)
    units = [
        MemberUnit.objects.create(
            pk=9300 + i, name=name, category="organ", level="district", joined_year=2005
        )
        for i, name in enumerate(["金山区财政局", "@区法院", "区卫健委, 第二党支部"])
    ]
    rows = [
        (9401, "老旧小区加装扶手", "care_aid", village, 2026, "adopted"),
        (9402, '=HYPERLINK("http://x")', "culture", estate, 2026, "open"),
        (9403, "“家门口”服务站\n二期", "convenience", village, 2025, "completed"),
        (9404, "草稿项目", "culture", village, 2026, "draft"),
        (9405, "-已取消", "construction", estate, 2024, "cancelled"),
    ]
    projects = {}
    for pk, title, category, community, year, status in rows:
        projects[pk] = Project.objects.create(
            pk=pk, title=title, description="说明", category=category,
            community=community, year=year, status=status, capacity=3,
        )  # fmt: skip
    for project_pk, unit in [(9401, units[0]), (9401, units[1]), (9403, units[2])]:
        Adoption.objects.create(project=projects[project_pk], unit=unit)
    for project_pk, done in [(9401, True), (9401, False), (9403, True)]:
        Milestone.objects.create(
            project=projects[project_pk], title="节点", due_on=datetime.date(2026, 12, 31),
            done_on=datetime.date(2026, 6, 1) if done else None,
        )  # fmt: skip
    for project_pk, text, status in [
        (9401, "楼道太暗，老人上下楼不便", "accepted"),
        (9401, '"+1" 也想要', "accepted"),
        (9401, "还没审核", "pending"),
        (9403, "\t制表符开头", "accepted"),
    ]:
        Need.objects.create(
            community=village, category="care_aid", text=text, status=status,
            project=projects[project_pk],
        )  # fmt: skip
    return projects


def _body(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def test_it_streams_the_same_bytes_as_the_file_it_built_before(anon, fixed_projects):
    response = anon.get(reverse("opendata:projects-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="projects.csv"'
    assert _body(response) == EXPECTED.read_bytes()


def test_it_builds_no_model_object_per_project(anon, fixed_projects):
    built = []

    def count(sender, **kwargs):
        built.append(sender.__name__)

    post_init.connect(count)
    try:
        _body(anon.get(reverse("opendata:projects-csv")))
    finally:
        post_init.disconnect(count)
    assert [name for name in built if name in {"Project", "Adoption", "Need", "MemberUnit"}] == []

