import pytest
from django.urls import reverse

from projects.models import InvalidTransition, Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


S = Project.Status
# The table written out by hand: a change to Project.TRANSITIONS must change this too.
LEGAL = [
    (S.DRAFT, S.OPEN),
    (S.DRAFT, S.CANCELLED),
    (S.OPEN, S.DRAFT),
    (S.OPEN, S.ADOPTED),
    (S.OPEN, S.CANCELLED),
    (S.ADOPTED, S.IN_PROGRESS),
    (S.ADOPTED, S.CANCELLED),
    (S.IN_PROGRESS, S.COMPLETED),
    (S.IN_PROGRESS, S.CANCELLED),
    (S.COMPLETED, S.IN_PROGRESS),  # reopened by staff
]
#: The withdrawal's move, made only by ``Project.release_seat``, never by staff by hand.
SEAT_ONLY = [(S.ADOPTED, S.OPEN)]
ILLEGAL = [(src, dst) for src in S for dst in S if (src, dst) not in LEGAL + SEAT_ONLY]


def test_it_allows_exactly_the_moves_written_here():
    allowed = {
        (src, dst)
        for src in S
        for dst in S
        if ProjectFactory.build(status=src).can_transition_to(dst)
    }
    assert allowed == set(LEGAL + SEAT_ONLY)


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
    # Ending or reopening goes through the confirmation page, which posts these back.
    data = {"status": dst, "confirmed": "yes", "reason": "完成时间登记错了"}
    response = staff_client.post(url, data, follow=True)
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.status == dst
    assert "项目状态已变更为" in response.content.decode()


@pytest.mark.parametrize(("src", "dst"), ILLEGAL + SEAT_ONLY)
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
    assert "?status=cancelled" in html  # cancelling goes through its confirmation page
    assert 'name="status" value="open"' not in html
