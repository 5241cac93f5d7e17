"""A real Celery worker on real Redis, killed with SIGKILL mid-send: still exactly one of each.

Needs REDIS_URL (use your own Redis db number, never db 0 of a shared server). The worker is
a separate process, so the test runs with a committed database (``transaction=True``) and hands
the worker the test database's name.
"""

import datetime
import os
import signal
import subprocess
import time

import pytest

from projects.models import JointMeeting
from reminders.models import Notification, Reminder
from reminders.tasks import sweep_and_enqueue
from tests.reminders import workers

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
]

SEND_DELAY, LEASE, VISIBILITY = workers.SEND_DELAY, workers.LEASE, workers.VISIBILITY


def test_a_killed_worker_still_sends_exactly_once(start_worker, liaison, adopted_milestone, today):
    liaison.email = "bob@example.test"
    liaison.save()
    real_today = datetime.date.today()
    worker = start_worker()

    # 1. An overdue milestone: one inbox entry and one email.
    adopted_milestone(real_today - datetime.timedelta(days=1), title="清理河道")
    JointMeeting.objects.update(held_on=datetime.date(2020, 1, 1))  # no meeting reminders
    sweep_and_enqueue()
    first = Reminder.objects.get()
    workers.wait_for(lambda: Reminder.objects.filter(pk=first.pk).exclude(sent_at=None).exists(),
             what="the first reminder to be sent")
    assert Notification.objects.filter(user=liaison).count() == 1
    assert workers.emails(start_worker.mail_dir) == 1

    # 2. Another one; kill -9 the worker while the email channel is sending.
    adopted_milestone(real_today - datetime.timedelta(days=2), title="更换路灯")
    JointMeeting.objects.update(held_on=datetime.date(2020, 1, 1))
    sweep_and_enqueue()
    second = Reminder.objects.exclude(pk=first.pk).get()
    workers.wait_for(lambda: Notification.objects.filter(reminder=second).exists(),
             what="the in-app entry before the email")
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    second.refresh_from_db()
    assert second.sent_at is None
    assert workers.emails(start_worker.mail_dir) == 1

    # 3. Restart after the visibility timeout: the unacked message is delivered again, the
    # lease (or its expiry) lets exactly one delivery through, and nothing is doubled.
    time.sleep(VISIBILITY + 0.5)
    start_worker()
    workers.wait_for(lambda: Reminder.objects.filter(pk=second.pk).exclude(sent_at=None).exists(),
             timeout=40, what="the redelivered reminder to be sent")
    second.refresh_from_db()
    assert second.attempts == 2
    assert Notification.objects.filter(user=liaison).count() == 2
    assert Notification.objects.filter(reminder=second).count() == 1
    assert workers.emails(start_worker.mail_dir) == 2

    # 4. Kill only the pool process running the task: the worker rejects the message back
    # onto the queue (reject_on_worker_lost), the redelivery finds the dead child's lease,
    # waits it out and sends the email once.
    adopted_milestone(real_today - datetime.timedelta(days=3), title="修缮凉亭")
    JointMeeting.objects.update(held_on=datetime.date(2020, 1, 1))
    sweep_and_enqueue()
    third = Reminder.objects.exclude(pk__in=[first.pk, second.pk]).get()
    workers.wait_for(lambda: Notification.objects.filter(reminder=third).exists(),
             what="the third in-app entry")
    main = start_worker.procs[-1]
    children = subprocess.run(
        ["pgrep", "-P", str(main.pid)], capture_output=True, text=True
    ).stdout.split()
    assert len(children) == 1
    os.kill(int(children[0]), signal.SIGKILL)
    workers.wait_for(lambda: Reminder.objects.filter(pk=third.pk).exclude(sent_at=None).exists(),
             timeout=40, what="the third reminder to be sent after its worker process died")
    third.refresh_from_db()
    assert third.attempts == 2
    assert Notification.objects.filter(reminder=third).count() == 1
    assert workers.emails(start_worker.mail_dir) == 3
