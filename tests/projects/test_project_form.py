import datetime

import pytest
from django.urls import reverse

from projects.models import Milestone, Project
from tests.factories import AdoptionFactory, CommunityFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _project_data(project, **overrides):
    data = {
        "title": project.title,
        "description": project.description,
        "category": project.category,
        "community": project.community_id,
        "year": project.year,
        "capacity": project.capacity,
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
        "milestones-MIN_NUM_FORMS": 0,
        "milestones-MAX_NUM_FORMS": 1000,
    }
    data.update(overrides)
    return data


def test_it_creates_a_draft_project(staff_client):
    community = CommunityFactory()
    response = staff_client.post(
        reverse("projects:project-create"),
        {"title": "村口凉亭", "description": "建一座凉亭", "category": "beautiful_home",
         "community": community.pk, "year": 2026, "capacity": 1, "key_works": ""},
    )
    project = Project.objects.get(title="村口凉亭")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:project-edit", args=[project.pk])
    assert project.status == Project.Status.DRAFT


def test_it_ignores_a_status_posted_with_the_form(staff_client):
    community = CommunityFactory()
    staff_client.post(
        reverse("projects:project-create"),
        {"title": "偷偷完成", "description": "x" * 10, "category": "culture",
         "community": community.pk, "year": 2026, "capacity": 1, "status": "completed"},
    )
    assert Project.objects.get(title="偷偷完成").status == Project.Status.DRAFT
    project = ProjectFactory(status=Project.Status.OPEN)
    staff_client.post(reverse("projects:project-edit", args=[project.pk]),
                      _project_data(project, status="completed"))
    project.refresh_from_db()
    assert project.status == Project.Status.OPEN


def test_it_shows_chinese_errors(staff_client):
    response = staff_client.post(reverse("projects:project-create"), {"title": ""})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
    assert not Project.objects.exists()


def test_it_edits_a_project(staff_client):
    project = ProjectFactory(title="旧标题")
    response = staff_client.post(reverse("projects:project-edit", args=[project.pk]),
                                 _project_data(project, title="新标题"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "新标题"


def test_it_keeps_capacity_at_least_the_adoptions(staff_client):
    project = ProjectFactory(capacity=2)
    AdoptionFactory(project=project)
    Project.objects.filter(pk=project.pk).update(adopted_count=2)
    project.refresh_from_db()
    response = staff_client.post(reverse("projects:project-edit", args=[project.pk]),
                                 _project_data(project, capacity=1))
    assert response.status_code == 200
    assert "认领容量不能更低" in response.content.decode()


def test_it_adds_and_completes_milestones(staff_client):
    project = ProjectFactory()
    milestone = MilestoneFactory(project=project, title="方案确定", due_on=datetime.date(2026, 3, 1))
    data = _project_data(
        project,
        **{
            "milestones-TOTAL_FORMS": 2,
            "milestones-INITIAL_FORMS": 1,
            "milestones-0-id": milestone.pk,
            "milestones-0-project": project.pk,
            "milestones-0-title": "方案确定",
            "milestones-0-due_on": "2026-03-01",
            "milestones-0-done_on": "2026-02-27",
            "milestones-1-project": project.pk,
            "milestones-1-title": "竣工验收",
            "milestones-1-due_on": "2026-10-01",
        },
    )
    response = staff_client.post(reverse("projects:project-edit", args=[project.pk]), data)
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2026, 2, 27)
    assert Milestone.objects.filter(project=project, title="竣工验收").exists()


def test_it_edits_only_existing_projects(staff_client):
    assert staff_client.get(reverse("projects:project-edit", args=[999999])).status_code == 404
