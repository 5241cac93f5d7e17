import datetime

import pytest
import time_machine

from reminders import tasks
from reminders.models import Notification, Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 10, 9, 0), tick=True):
        yield


def test_the_tasks_sweep_and_deliver(
    liaison, adopted_milestone, today, django_capture_on_commit_callbacks
):
    adopted_milestone(today - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks() as callbacks:
        assert tasks.sweep_reminders.apply().get() == (1, 1)
    assert len(callbacks) == 1  # one delivery enqueued, after commit
    pk = Reminder.objects.get().pk
    assert tasks.deliver_reminder.apply(args=[pk]).get() == "sent"
    assert tasks.deliver_reminder.apply(args=[pk]).get() == "already done"
    assert Notification.objects.filter(user=liaison).count() == 1


def test_the_digest_task_creates_one_per_office_staff_member(staff, liaison):
    assert tasks.send_weekly_digest.apply().get() == (1, 1)
    assert Reminder.objects.get().recipient == staff


def test_the_beat_schedule_sweeps_and_sends_the_digest_on_mondays(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["sweep-reminders"]["task"] == tasks.sweep_reminders.name
    assert schedule["sweep-reminders"]["schedule"] == 30
    digest = schedule["weekly-digest"]
    assert digest["task"] == tasks.send_weekly_digest.name
    assert digest["schedule"].day_of_week == {1}
