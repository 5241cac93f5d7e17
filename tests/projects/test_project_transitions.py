import pytest
from django.urls import reverse

from projects.models import InvalidTransition, Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
S = Project.Status
LEGAL = [(src, dst) for src, targets in Project.TRANSITIONS.items() for dst in targets]
ILLEGAL = [
    (src, dst)
    for src in S
    for dst in S
    if dst not in Project.TRANSITIONS[src]
]


def test_the_lists_cover_every_pair():
    assert len(LEGAL) + len(ILLEGAL) == len(S) ** 2
    assert (S.DRAFT, S.OPEN) in LEGAL
    assert (S.COMPLETED, S.OPEN) in ILLEGAL


@pytest.mark.parametrize(("src", "dst"), LEGAL)
def test_it_makes_every_legal_move(src, dst):
    project = ProjectFactory(status=src)
    project.transition_to(dst)
    project.refresh_from_db()
    assert project.status == dst


@pytest.mark.parametrize(("src", "dst"), ILLEGAL)
def test_it_refuses_every_illegal_move(src, dst):
    project = ProjectFactory(status=src)
    with pytest.raises(InvalidTransition):
        project.transition_to(dst)
    project.refresh_from_db()
    assert project.status == src


@pytest.mark.parametrize(("src", "dst"), LEGAL)
def test_it_changes_status_through_the_view(staff_client, src, dst):
    project = ProjectFactory(status=src)
    url = reverse("projects:project-transition", args=[project.pk])
    response = staff_client.post(url, {"status": dst}, follow=True)
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.status == dst
    assert "项目状态已变更为" in response.content.decode()


@pytest.mark.parametrize(("src", "dst"), ILLEGAL)
def test_it_shows_a_chinese_error_for_an_illegal_move(staff_client, src, dst):
    project = ProjectFactory(status=src)
    url = reverse("projects:project-transition", args=[project.pk])
    response = staff_client.post(url, {"status": dst}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"“{S(src).label}”的项目不能变更为“{S(dst).label}”" in html
    project.refresh_from_db()
    assert project.status == src


def test_it_rejects_an_unknown_status_without_a_500(staff_client):
    project = ProjectFactory(status=S.OPEN)
    url = reverse("projects:project-transition", args=[project.pk])
    response = staff_client.post(url, {"status": "exploded"}, follow=True)
    assert response.status_code == 200
    assert "未知状态" in response.content.decode()


def test_it_offers_only_legal_next_statuses_on_the_edit_page(staff_client):
    project = ProjectFactory(status=S.ADOPTED)
    html = staff_client.get(reverse("projects:project-edit", args=[project.pk])).content.decode()
    assert 'value="in_progress"' in html
    assert 'value="cancelled"' in html
    assert 'name="status" value="open"' not in html
