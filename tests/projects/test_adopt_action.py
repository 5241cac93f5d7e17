import contextvars

import pytest
from django.urls import reverse

from projects import actions, screen
from projects.models import Adoption, Project
from tests.factories import (
    AdoptionFactory,
    JointMeetingFactory,
    MemberUnitFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def test_it_adopts_and_fills_the_project(unit_a, liaison):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=1)

    adoption = actions.adopt(project, unit_a, meeting, commitment="出资五万元", recorded_by=liaison)

    assert adoption.kind == Adoption.Kind.NEW
    assert adoption.commitment == "出资五万元"
    project.refresh_from_db()
    assert project.adopted_count == 1
    assert project.status == Project.Status.ADOPTED


def test_it_keeps_a_project_open_until_every_seat_is_taken(unit_a, unit_b):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=2)

    actions.adopt(project, unit_a, meeting)
    project.refresh_from_db()
    assert project.status == Project.Status.OPEN
    actions.adopt(project, unit_b, meeting)
    project.refresh_from_db()
    assert project.status == Project.Status.ADOPTED
    assert project.adopted_count == 2


def test_it_says_already_taken_when_full(unit_a, unit_b):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=1)
    actions.adopt(project, unit_a, meeting)

    with pytest.raises(actions.AlreadyTaken) as exc:
        actions.adopt(project, unit_b, meeting)
    assert "已被认领" in str(exc.value.message)
    assert Adoption.objects.filter(project=project).count() == 1


def test_it_refuses_when_the_window_is_closed(unit_a, liaison):
    meeting = JointMeetingFactory(adoption_open=False)
    project = ProjectFactory()

    with pytest.raises(actions.WindowClosed):
        actions.adopt(project, unit_a, meeting, recorded_by=liaison)
    project.refresh_from_db()
    assert project.adopted_count == 0


def test_it_lets_staff_record_after_the_window_closed(unit_a, staff):
    meeting = JointMeetingFactory(adoption_open=False)
    project = ProjectFactory()

    actions.adopt(project, unit_a, meeting, recorded_by=staff)

    assert Adoption.objects.filter(project=project, unit=unit_a, recorded_by=staff).exists()


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_it_refuses_a_project_that_is_not_open(unit_a, status):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(status=status)

    with pytest.raises(actions.ProjectNotOpen):
        actions.adopt(project, unit_a, meeting)
    project.refresh_from_db()
    assert project.adopted_count == 0


def test_it_refuses_an_inactive_unit():
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory()
    unit = MemberUnitFactory()
    unit.deactivate()

    with pytest.raises(actions.UnitInactive):
        actions.adopt(project, unit, meeting)
    assert not Adoption.objects.exists()


def test_it_refuses_a_second_adoption_by_the_same_unit(unit_a):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=3)
    actions.adopt(project, unit_a, meeting)

    with pytest.raises(actions.AlreadyAdoptedByUnit):
        actions.adopt(project, unit_a, meeting)
    project.refresh_from_db()
    assert project.adopted_count == 1


def test_it_invalidates_the_screen_after_commit(unit_a, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    meeting = JointMeetingFactory(adoption_open=True)
    cache.set(screen.screen_cache_key(meeting.pk), {"stale": True})

    with django_capture_on_commit_callbacks(execute=True):
        actions.adopt(ProjectFactory(), unit_a, meeting)

    assert cache.get(screen.screen_cache_key(meeting.pk)) is None


def test_it_lets_staff_withdraw_and_frees_the_seat(unit_a, staff, liaison):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=1)
    adoption = actions.adopt(project, unit_a, meeting)

    with pytest.raises(actions.AdoptionError):
        actions.withdraw(adoption, by=liaison)
    actions.withdraw(adoption, by=staff)

    project.refresh_from_db()
    assert project.adopted_count == 0
    assert project.status == Project.Status.OPEN
    assert not Adoption.objects.filter(pk=adoption.pk).exists()


def test_it_completes_a_project_only_when_every_milestone_is_done(unit_a):
    from tests.factories import MilestoneFactory

    project = ProjectFactory(status=Project.Status.ADOPTED, capacity=1)
    AdoptionFactory(project=project, unit=unit_a)
    first = MilestoneFactory(project=project)
    second = MilestoneFactory(project=project)

    actions.complete_milestone(first, evidence="已完成招标")
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS
    with pytest.raises(actions.AdoptionError):
        actions.complete_project(project)

    actions.complete_milestone(second, evidence="已竣工")
    actions.complete_project(project)
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED



@pytest.mark.django_db(transaction=True)
def test_a_project_read_as_full_is_refused_without_waiting_for_its_row(unit_a, unit_b, liaison):
    """In a surge most tries are for taken projects: none may queue behind a transaction
    that holds the project's row (PostgreSQL) or the database's write lock (SQLite)."""
    import threading
    import time

    from django.db import connection, transaction

    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=1)
    actions.adopt(project, unit_a, meeting)
    project = Project.objects.get(pk=project.pk)  # as the view reads it: full
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                Project.objects.filter(pk=project.pk).update(beneficiaries="改动中")
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=contextvars.copy_context().run, args=(hold_the_row,))
    holder.start()
    try:
        assert locked.wait(10)
        started = time.monotonic()
        with pytest.raises(actions.AlreadyTaken):
            actions.adopt(project, unit_b, meeting, recorded_by=liaison)
        assert time.monotonic() - started < 2
        with pytest.raises(actions.AlreadyAdoptedByUnit):
            actions.adopt(project, unit_a, meeting, recorded_by=liaison)
    finally:
        release.set()
        holder.join()


def test_the_window_closing_just_before_the_claim_refuses_it(unit_a, liaison):
    from projects.models import JointMeeting

    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory()
    JointMeeting.objects.filter(pk=meeting.pk).update(adoption_open=False)  # meeting is stale

    with pytest.raises(actions.WindowClosed):
        actions.adopt(project, unit_a, meeting, recorded_by=liaison)
    project.refresh_from_db()
    assert project.adopted_count == 0 and not Adoption.objects.exists()


def test_a_double_tap_on_a_seat_the_unit_holds_is_told_so_even_when_now_full(unit_a, unit_b):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=2)
    stale = Project.objects.get(pk=project.pk)  # read while a seat was free
    actions.adopt(project, unit_a, meeting)
    actions.adopt(project, unit_b, meeting)

    with pytest.raises(actions.AlreadyAdoptedByUnit):
        actions.adopt(stale, unit_a, meeting)
    project.refresh_from_db()
    assert project.adopted_count == 2


def test_it_records_the_adoptions_history_with_who_adopted(liaison_client, liaison, unit_a):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=2)
    url = reverse("projects:project-adopt", args=[project.pk])

    liaison_client.post(url, {"commitment": "出资一万元"}, HTTP_HX_REQUEST="true")

    adoption = Adoption.objects.get(project=project, unit=unit_a, meeting=meeting)
    created = adoption.history.get(history_type="+")
    assert (created.history_user, created.commitment) == (liaison, "出资一万元")


def test_it_runs_every_receiver_of_an_adoptions_save(unit_a, liaison):
    """A receiver added later (a notice, an audit) runs for the adoption as for any save."""
    from django.db.models.signals import post_save

    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.unit_id, created))

    post_save.connect(receiver, sender=Adoption)
    try:
        actions.adopt(ProjectFactory(), unit_a, JointMeetingFactory(adoption_open=True))
    finally:
        post_save.disconnect(receiver, sender=Adoption)
    assert heard == [(unit_a.pk, True)]
