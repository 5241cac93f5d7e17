import pytest
from django.db import connection

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



def test_it_refuses_a_project_it_read_as_full_without_writing(unit_a, unit_b, liaison):
    from tests.queries import capture_queries

    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=1)
    actions.adopt(project, unit_a, meeting)
    project = Project.objects.get(pk=project.pk)  # as the view reads it: full

    with capture_queries() as queries, pytest.raises(actions.AlreadyTaken):
        actions.adopt(project, unit_b, meeting, recorded_by=liaison)
    # In a surge most tries are for taken projects: none may queue on the row lock.
    assert not [q for q in queries.captured if q["sql"].lstrip().upper().startswith("UPDATE")], str(queries)
    with pytest.raises(actions.AlreadyAdoptedByUnit):
        actions.adopt(project, unit_a, meeting, recorded_by=liaison)


@pytest.mark.parametrize("capacity, fills", [(2, False), (1, True)])
def test_a_won_seat_takes_one_statement_or_a_claim_and_two_inserts(
    unit_a, liaison, capacity, fills
):
    """At the meeting every winner holds the project's row lock while its statements run:
    the window check, the seats left and the status when they run out all ride on the
    claim, and the unique constraint catches a double tap."""
    from tests.queries import capture_queries

    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=capacity)

    with capture_queries() as queries:
        actions.adopt(project, unit_a, meeting, recorded_by=liaison)
    # (The test's own transaction turns the action's into a savepoint.)
    statements = [q["sql"].split()[0].upper() for q in queries.captured]
    statements = [s for s in statements if s not in ("SAVEPOINT", "RELEASE")]
    if connection.vendor == "postgresql":
        assert statements == ["WITH"], str(queries)  # the claim and both rows, in one
    else:
        assert statements == ["UPDATE", "INSERT", "INSERT"], str(queries)
    status = Project.Status.ADOPTED if fills else Project.Status.OPEN
    assert (project.adopted_count, project.capacity, project.status) == (1, capacity, status)
    project.refresh_from_db()
    assert (project.adopted_count, project.status) == (1, status)


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


@pytest.mark.django_db(transaction=True)
def test_the_one_statement_writes_the_rows_the_orm_and_simple_history_write(
    unit_a, unit_b, liaison
):
    """The winner's statement stands in for ``Adoption.objects.create`` and the history
    row django-simple-history's post_save writes: the same columns, the same values."""
    from django.test import RequestFactory
    from simple_history.models import HistoricalRecords


    if connection.vendor != "postgresql":
        pytest.skip("one statement on PostgreSQL; SQLite goes through the ORM")
    meeting = JointMeetingFactory(adoption_open=True)
    fast, slow = ProjectFactory(capacity=2), ProjectFactory(capacity=2)
    request = RequestFactory().post("/")
    request.user = liaison
    HistoricalRecords.context.request = request  # as its middleware sets it in a view
    try:
        mine = actions.adopt(fast, unit_a, meeting, commitment="出资一万元", recorded_by=liaison)
        theirs = Adoption.objects.create(
            project=slow, unit=unit_a, meeting=meeting, commitment="出资一万元", recorded_by=liaison
        )
    finally:
        del HistoricalRecords.context.request
    assert mine.pk and not mine._state.adding
    differ = {"id", "project_id", "recorded_at", "history_id", "history_date"}

    def row(model, pk):
        values = model.objects.filter(id=pk).values().get()
        return {k: v for k, v in values.items() if k not in differ}

    assert row(Adoption, mine.pk) == row(Adoption, theirs.pk)
    history = Adoption.history.model
    assert row(history, mine.pk) == row(history, theirs.pk)
    assert row(history, mine.pk)["history_user_id"] == liaison.pk
    stored = history.objects.get(id=mine.pk)
    assert stored.recorded_at == Adoption.objects.get(pk=mine.pk).recorded_at
    assert stored.recorded_at <= stored.history_date
    assert (fast.adopted_count, unit_b.adoptions.count()) == (1, 0)

    # A second try by the same unit is refused and writes nothing.
    with pytest.raises(actions.AlreadyAdoptedByUnit):
        actions.adopt(fast, unit_a, meeting, recorded_by=liaison)
    fast.refresh_from_db()
    assert fast.adopted_count == 1
    assert history.objects.filter(project_id=fast.pk).count() == 1


def test_the_one_statement_stands_in_for_every_receiver_of_an_adoptions_save():
    """It writes the history row and bumps the public pages' version itself; a receiver
    added later (a notice, an audit) would be skipped on PostgreSQL without a word."""
    from django.db.models.signals import post_save, pre_save

    def names(signal):
        sync, asynchronous = signal._live_receivers(Adoption)  # Django's own lookup
        return sorted(r.__qualname__ for r in [*sync, *asynchronous])

    assert names(post_save) == ["HistoricalRecords.post_save", "_on_change"]
    assert names(pre_save) == []
