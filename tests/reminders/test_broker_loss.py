"""A broker that lost its queue: the reminders are delivered soon after it returns, once.

A real redis-server (its own port, append-only file) is the broker of a real worker with
its embedded beat, on the default reminder settings. One message is lost (the broker was
flushed), one comes back from the append-only file after a restart; both reminders must
be delivered, exactly once each, by the requeue check that runs every
``REMINDER_REQUEUE_CHECK_SECONDS``.
"""

import datetime
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db.models import F

from projects.models import JointMeeting
from tests.redisserver import RedisServer, needs_redis_server
from tests.reminders.workers import database_env, stop_process_groups, wait_for
from zhujing.celery import app as celery_app
from reminders import sweep
from reminders.models import Notification, Reminder

pytestmark = [pytest.mark.redis, needs_redis_server, pytest.mark.django_db(transaction=True)]

PORT = 16464
OUTAGE = 90  # seconds


def test_the_defaults_deliver_a_lost_reminder_within_two_minutes_of_the_broker_returning():
    schedule = settings.CELERY_BEAT_SCHEDULE["requeue-reminders"]["schedule"]
    assert settings.REMINDER_REQUEUE_SECONDS + schedule <= 120


@pytest.fixture
def broker(tmp_path):
    server = RedisServer(PORT, tmp_path / "broker", appendonly=True).start()
    yield server
    server.stop()


@pytest.fixture
def worker(tmp_path, broker):
    procs = []

    def start():
        env = {
            **os.environ,
            **database_env(),
            "REDIS_URL": broker.url(0),
            "CACHE_REDIS_URL": broker.url(1),
            "REMINDER_CHANNELS": "in_app",
            "LOG_LEVEL": "WARNING",
        }
        for name in ("REMINDER_REQUEUE_SECONDS", "REMINDER_REQUEUE_CHECK_SECONDS"):
            env.pop(name, None)  # the defaults are what is tested
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "zhujing", "worker", "-B",
                "--pool=solo", "-s", str(tmp_path / "beat-schedule"),
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--loglevel=WARNING", "-n", f"broker-loss-{os.getpid()}@%h",
            ],
            cwd=settings.BASE_DIR, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=(tmp_path / "worker.log").open("w"),
        )
        procs.append(proc)
        return proc

    yield start
    stop_process_groups(procs)


def test_reminders_lost_with_the_broker_are_delivered_once_soon_after_it_returns(
    broker, worker, liaison, adopted_milestone
):
    real_today = datetime.date.today()
    adopted_milestone(real_today - datetime.timedelta(days=1), title="清理河道")
    adopted_milestone(real_today - datetime.timedelta(days=2), title="更换路灯")
    JointMeeting.objects.update(held_on=datetime.date(2020, 1, 1))  # no meeting reminders
    _created, pks = sweep.sweep()
    assert len(pks) == 2
    lost, kept = sorted(pks)

    with celery_app.connection_for_write(broker.url(0)) as conn:
        celery_app.send_task("reminders.deliver_reminder", args=[lost], connection=conn)
        broker.client().flushall()  # the broker loses the first message
        celery_app.send_task("reminders.deliver_reminder", args=[kept], connection=conn)
    broker.stop()  # SIGTERM: the append-only file keeps the second message

    # The broker stayed down for a minute and a half; then it returns.
    Reminder.objects.update(enqueued_at=F("enqueued_at") - datetime.timedelta(seconds=OUTAGE))
    broker.start()
    returned = time.monotonic()
    worker()

    wait_for(
        lambda: Reminder.objects.filter(pk__in=pks, sent_at=None).count() == 0,
        timeout=90, what="both reminders to be sent",
    )
    delivered_after = time.monotonic() - returned
    print(f"delivered {delivered_after:.0f} s after the broker returned")
    assert delivered_after < 120
    time.sleep(3)  # let the duplicate of the kept message run too
    assert Notification.objects.filter(reminder_id=lost).count() == 1
    assert Notification.objects.filter(reminder_id=kept).count() == 1
    assert Notification.objects.filter(user=liaison).count() == 2
