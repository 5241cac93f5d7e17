"""A sweep that finds nothing new since the last one writes nothing."""

import datetime

import pytest
import time_machine

from reminders.models import Reminder
from reminders.sweep import sweep
from tests.queries import capture_queries

pytestmark = pytest.mark.django_db
D = datetime.timedelta
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def frozen(today):
    with time_machine.travel(datetime.datetime(2026, 6, 10, 9, 0), tick=False):
        yield


def writes(queries):
    return [q["sql"] for q in queries.captured if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.fixture
def due_things(liaison, staff, pairing_due_on, adopted_milestone, today):
    pairing_due_on(today + D(3))
    pairing_due_on(today - D(30))  # escalated: the office is told too
    adopted_milestone(today + D(2))


def test_it_writes_nothing_when_nothing_changed_since_the_last_sweep(due_things, today):
    created, pks = sweep(today)
    assert created and pks
    with capture_queries() as queries:
        assert sweep(today) == (0, [])
    assert writes(queries) == [], str(queries)


def test_it_still_creates_what_became_due_since_the_last_sweep(
    due_things, liaison, pairing_due_on, today
):
    sweep(today)
    pairing = pairing_due_on(today + D(1))
    created, pks = sweep(today)
    assert created == 1
    assert list(Reminder.objects.filter(pk__in=pks).values_list("subject_id", "recipient")) == [
        (pairing.pk, liaison.pk)
    ]


def test_it_sweeps_again_on_the_next_day(due_things, liaison, today):
    sweep(today)
    tomorrow = today + D(1)
    created, _ = sweep(tomorrow)
    # The pairing due in three days is still the same reminder; the milestone and escalation
    # rows for a new day are not: at least one row is new, and none is written twice.
    assert created >= 1
    assert Reminder.objects.filter(recipient=liaison).count() == len(
        set(Reminder.objects.filter(recipient=liaison).values_list("kind", "subject_id", "due_on"))
    )


def test_it_enqueues_again_a_reminder_the_broker_lost_even_when_nothing_else_changed(
    due_things, today, settings
):
    _, pks = sweep(today)
    with time_machine.travel(
        datetime.datetime(2026, 6, 10, 9, 0) + D(seconds=settings.REMINDER_REQUEUE_SECONDS + 1),
        tick=False,
    ):
        created, again = sweep(today)
    assert created == 0
    assert sorted(again) == sorted(pks)
