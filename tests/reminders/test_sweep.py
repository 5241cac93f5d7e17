import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from projects.models import Project
from tests.factories import JointMeetingFactory, MemberUnitFactory, UserFactory, VisitFactory
from reminders.models import Reminder
from reminders.tasks import sweep_and_enqueue

pytestmark = pytest.mark.django_db
Kind = Reminder.Kind
D = datetime.timedelta


def kinds_for(user):
    return sorted(
        (r.kind, r.due_on) for r in Reminder.objects.filter(recipient=user)
    )


@pytest.fixture(autouse=True)
def frozen(today):
    with time_machine.travel(datetime.datetime(2026, 6, 10, 9, 0), tick=False):
        yield


def test_it_reminds_liaisons_exactly_at_the_visit_lead_boundary(liaison, pairing_due_on, today):
    pairing_due_on(today + D(7))
    sweep_and_enqueue(today)
    assert kinds_for(liaison) == [(Kind.VISIT_DUE, today + D(7))]


def test_it_does_not_remind_a_day_before_the_lead(liaison, pairing_due_on, today):
    pairing_due_on(today + D(8))
    sweep_and_enqueue(today)
    assert kinds_for(liaison) == []


def test_it_says_due_not_overdue_on_the_due_date(liaison, pairing_due_on, today):
    pairing_due_on(today)
    sweep_and_enqueue(today)
    assert kinds_for(liaison) == [(Kind.VISIT_DUE, today)]


def test_it_says_overdue_one_day_after(liaison, pairing_due_on, today):
    pairing_due_on(today - D(1))
    sweep_and_enqueue(today)
    assert kinds_for(liaison) == [(Kind.VISIT_OVERDUE, today - D(1))]


def test_it_counts_from_the_last_visit(liaison, pairing_due_on, today):
    pairing = pairing_due_on(today - D(1))
    VisitFactory(pairing=pairing, visited_on=today - D(20))  # next due: today + 10
    VisitFactory(pairing=pairing, visited_on=today - D(40))
    sweep_and_enqueue(today)
    assert kinds_for(liaison) == []


def test_it_escalates_to_office_staff_at_the_grace_boundary(staff, liaison, pairing_due_on, today):
    pairing_due_on(today - D(14))
    sweep_and_enqueue(today)
    # One row for the pairing (the record), one for the day's summary notice.
    assert kinds_for(staff) == [
        (Kind.VISIT_ESCALATION, today - D(14)),
        (Kind.VISIT_ESCALATION, today),
    ]
    assert kinds_for(liaison) == [(Kind.VISIT_OVERDUE, today - D(14))]


def test_it_does_not_escalate_a_day_before_the_grace_boundary(staff, pairing_due_on, today):
    pairing_due_on(today - D(13))
    sweep_and_enqueue(today)
    assert kinds_for(staff) == []


def test_it_ignores_ended_pairings_and_inactive_units(liaison, pairing_due_on, today, unit_a):
    pairing_due_on(today, status="ended", ended_on=today - D(3))
    gone = MemberUnitFactory()
    UserFactory(unit=gone, username="dave")
    pairing_due_on(today, unit=gone)
    gone.deactivate(on=today - D(1))
    sweep_and_enqueue(today)
    assert Reminder.objects.count() == 0


def test_it_reminds_adopting_units_of_milestones_at_the_lead(liaison, adopted_milestone, today):
    adopted_milestone(today + D(7))
    adopted_milestone(today + D(8))
    sweep_and_enqueue(today)
    assert kinds_for(liaison) == [(Kind.MILESTONE_DUE, today + D(7))]


def test_it_marks_milestones_overdue_the_day_after(liaison, adopted_milestone, today):
    adopted_milestone(today)
    adopted_milestone(today - D(1))
    sweep_and_enqueue(today)
    assert kinds_for(liaison) == [
        (Kind.MILESTONE_DUE, today),
        (Kind.MILESTONE_OVERDUE, today - D(1)),
    ]


def test_it_ignores_done_milestones_and_other_units(
    liaison, other_liaison, adopted_milestone, today
):
    adopted_milestone(today - D(1), done_on=today - D(2))
    adopted_milestone(today - D(1), unit=other_liaison.unit)
    sweep_and_enqueue(today)
    assert kinds_for(liaison) == []
    assert [k for k, _ in kinds_for(other_liaison)] == [Kind.MILESTONE_OVERDUE]


def test_it_ignores_milestones_of_cancelled_projects(liaison, adopted_milestone, today):
    milestone = adopted_milestone(today - D(1))
    Project.objects.filter(pk=milestone.project_id).update(status=Project.Status.CANCELLED)
    sweep_and_enqueue(today)
    assert kinds_for(liaison) == []


def test_it_gives_a_rescheduled_milestone_a_fresh_reminder(liaison, adopted_milestone, today):
    milestone = adopted_milestone(today + D(2))
    sweep_and_enqueue(today)
    milestone.due_on = today + D(5)
    milestone.save()
    sweep_and_enqueue(today)
    assert kinds_for(liaison) == [
        (Kind.MILESTONE_DUE, today + D(2)),
        (Kind.MILESTONE_DUE, today + D(5)),
    ]


def test_it_tells_every_active_units_liaisons_of_an_upcoming_meeting(
    liaison, other_liaison, today
):
    JointMeetingFactory(held_on=today + D(14))
    JointMeetingFactory(held_on=today + D(15))
    sweep_and_enqueue(today)
    assert kinds_for(liaison) == [(Kind.MEETING, today + D(14))]
    assert kinds_for(other_liaison) == [(Kind.MEETING, today + D(14))]


def test_it_is_idempotent(liaison, pairing_due_on, adopted_milestone, today):
    pairing_due_on(today - D(1))
    adopted_milestone(today)
    assert sweep_and_enqueue(today)[0] == 2
    assert sweep_and_enqueue(today)[0] == 0
    assert Reminder.objects.count() == 2


def test_it_enqueues_each_unsent_reminder_once_per_requeue_window(
    liaison, pairing_due_on, today, django_capture_on_commit_callbacks
):
    pairing_due_on(today)
    with django_capture_on_commit_callbacks() as first:
        sweep_and_enqueue(today)
    with django_capture_on_commit_callbacks() as second:
        sweep_and_enqueue(today)
    assert len(first) == 1
    assert second == []


def test_it_requeues_an_untried_reminder_after_90_seconds_and_a_tried_one_after_15_minutes(
    liaison, pairing_due_on, adopted_milestone, today
):
    from django.utils import timezone

    from reminders.sweep import claim_unsent

    pairing_due_on(today - D(1))
    adopted_milestone(today)
    sweep_and_enqueue(today)
    now = timezone.now()
    untried, tried = Reminder.objects.order_by("pk")
    # Tried and failed: the worker released it and retries it with backoff.
    Reminder.objects.filter(pk=tried.pk).update(attempts=1, lease_until=None, last_error="email: …")
    assert claim_unsent(now + D(seconds=60)) == []
    assert claim_unsent(now + D(seconds=91)) == [untried.pk]  # its message was lost
    assert sorted(claim_unsent(now + D(seconds=901))) == [untried.pk, tried.pk]


def test_a_rolled_back_transaction_enqueues_nothing(
    liaison, pairing_due_on, today, django_capture_on_commit_callbacks
):
    pairing_due_on(today)
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                sweep_and_enqueue(today)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == []
    assert Reminder.objects.count() == 0


@pytest.mark.parametrize("size", [2, 25])
def test_the_sweep_query_count_does_not_grow_with_data(
    size, staff, liaison, pairing_due_on, adopted_milestone, today, django_assert_num_queries
):
    for i in range(size):
        pairing_due_on(today - D(20 + i))  # overdue and escalated
        adopted_milestone(today - D(i))
        VisitFactory(pairing=pairing_due_on(today + D(3 + i % 3)), visited_on=today - D(400))
    JointMeetingFactory(held_on=today + D(3))
    ContentType.objects.clear_cache()
    # content types, liaisons, staff, pairings, milestones, meetings, last fingerprint,
    # insert, count of the rows it created, new fingerprint, anything to enqueue, mark
    # enqueued, read back; plus the savepoint pair of the atomic block; and two for the
    # councils: the list of councils, the council's members for meeting notices.
    with django_assert_num_queries(17):
        created, enqueued = sweep_and_enqueue(today)
    assert created == enqueued > size * 3


def test_a_reminder_whose_worker_died_mid_send_is_requeued_as_soon_as_its_lease_runs_out(
    liaison, pairing_due_on, today, settings
):
    """Issue 23 item 8: not 15 minutes later (lease plus the retry requeue): a few minutes."""
    from django.utils import timezone

    from reminders.sweep import claim_unsent

    pairing_due_on(today - D(1))
    sweep_and_enqueue(today)
    reminder = Reminder.objects.get()
    now = timezone.now()
    assert Reminder.claim(reminder.pk, now)  # a worker takes it, and is killed mid-send
    lease_end = now + D(seconds=settings.REMINDER_LEASE_SECONDS)
    assert claim_unsent(lease_end - D(seconds=1)) == []
    assert claim_unsent(lease_end + D(seconds=1)) == [reminder.pk]
    assert claim_unsent(lease_end + D(seconds=31)) == []  # once per lease, not every check
    requeue_check = settings.CELERY_BEAT_SCHEDULE["requeue-reminders"]["schedule"]
    assert settings.REMINDER_LEASE_SECONDS + requeue_check <= 120
