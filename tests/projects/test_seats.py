"""Project.claim_seat / release_seat / ProjectQuerySet.with_free_seat: the one home of a
project's seats and of the status moves they make."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from projects.models import Project
from tests.factories import JointMeetingFactory, ProjectFactory

pytestmark = pytest.mark.django_db

S = Project.Status


def _seats(project):
    project = Project.objects.get(pk=project.pk)
    return project.adopted_count, project.status


def test_it_takes_a_seat_and_marks_the_project_adopted_when_the_last_goes():
    project = ProjectFactory(capacity=2)

    assert project.claim_seat() == 1
    assert _seats(project) == (1, S.OPEN)
    assert project.claim_seat() == 1
    assert _seats(project) == (2, S.ADOPTED)
    assert (project.adopted_count, project.status) == (2, S.ADOPTED)  # the instance follows
    assert project.claim_seat() == 0
    assert _seats(project) == (2, S.ADOPTED)


@pytest.mark.parametrize("status", [S.DRAFT, S.ADOPTED, S.IN_PROGRESS, S.COMPLETED, S.CANCELLED])
def test_it_takes_no_seat_of_a_project_that_is_not_open(status):
    project = ProjectFactory(status=status, capacity=3)

    assert project.claim_seat() == 0
    assert _seats(project) == (0, status)


def test_it_takes_a_seat_only_while_the_meetings_window_is_open():
    closed = JointMeetingFactory(adoption_open=False)
    project = ProjectFactory(capacity=1)

    assert project.claim_seat(closed) == 0
    assert _seats(project) == (0, S.OPEN)
    assert project.claim_seat(JointMeetingFactory(adoption_open=True)) == 1
    assert _seats(project) == (1, S.ADOPTED)


def test_releasing_a_seat_of_a_full_project_opens_it_again():
    project = ProjectFactory(capacity=1)
    project.claim_seat()

    assert project.release_seat() == 1
    assert _seats(project) == (0, S.OPEN)
    assert project.release_seat() == 0  # no seat taken: nothing to give back
    assert _seats(project) == (0, S.OPEN)


def test_releasing_a_seat_of_a_project_under_way_keeps_its_status():
    project = ProjectFactory(status=S.IN_PROGRESS, capacity=2, adopted_count=2)

    assert project.release_seat() == 1
    assert _seats(project) == (1, S.IN_PROGRESS)


def test_the_database_refuses_a_counter_over_capacity():
    project = ProjectFactory(capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(adopted_count=F("capacity") + 1)


def test_open_with_a_free_seat_means_open_and_not_full():
    free = ProjectFactory(capacity=2, adopted_count=1)
    ProjectFactory(capacity=2, adopted_count=2)  # open but full
    ProjectFactory(status=S.ADOPTED, capacity=2, adopted_count=1)
    ProjectFactory(status=S.DRAFT)

    assert list(Project.objects.with_free_seat()) == [free]


@pytest.mark.parametrize("status", [S.ADOPTED, S.IN_PROGRESS, S.COMPLETED])
def test_a_past_seat_is_recorded_on_a_project_that_moved_on_and_keeps_its_status(status):
    project = ProjectFactory(status=status, capacity=1)

    assert project.claim_past_seat() == 1
    assert _seats(project) == (1, status)
    assert project.claim_past_seat() == 0  # never over capacity
    assert _seats(project) == (1, status)


@pytest.mark.parametrize("status", [S.DRAFT, S.CANCELLED])
def test_no_past_seat_is_recorded_on_a_draft_or_a_cancelled_project(status):
    project = ProjectFactory(status=status, capacity=1)

    assert project.claim_past_seat() == 0
    assert _seats(project) == (0, status)
