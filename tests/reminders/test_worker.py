"""A real Celery worker on real Redis, killed with SIGKILL mid-send: still exactly one of each.

Needs REDIS_URL (use your own Redis db number, never db 0 of a shared server). The worker is
a separate process, so the test runs with a committed database (``transaction=True``) and hands
the worker the test database's name.
"""

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from projects.models import JointMeeting
from zhujing.celery import app as celery_app
from reminders.models import Notification, Reminder
from reminders.tasks import sweep_and_enqueue

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
]

SEND_DELAY = 3  # seconds the email channel sleeps before sending: the window to kill in
LEASE = 4
VISIBILITY = 3


def _database_env():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return {"SQLITE_PATH": db["NAME"]}
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {"DATABASE_URL": f"postgres://{auth}@{host}:{port}/{db['NAME']}"}


@pytest.fixture
def start_worker(tmp_path):
    procs = []
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        **_database_env(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "REMINDER_TEST_SEND_DELAY": str(SEND_DELAY),
        "REMINDER_LEASE_SECONDS": str(LEASE),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "LOG_LEVEL": "WARNING",
    }

    def start(extra_env=None, beat=False):
        """A worker (with beat, its schedule file in tmp_path, when ``beat``)."""
        beat_args = ["-B", "-s", str(tmp_path / "beat-schedule")] if beat else []
        proc = subprocess.Popen(
            [
                # prefork, not solo: the solo pool only acks after the task, which would
                # hide a missing acks_late; here an early ack really happens mid-task.
                sys.executable, "-m", "celery", "-A", "zhujing", "worker",
                "--pool=prefork", "--concurrency=1",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--loglevel=WARNING", "-n", f"reminders-test-{os.getpid()}-{len(procs)}@%h",
                *beat_args,
            ],
            cwd=settings.BASE_DIR, env={**env, **(extra_env or {})}, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=(tmp_path / f"worker{len(procs)}.log").open("w"),
        )
        procs.append(proc)
        return proc

    start.mail_dir = mail_dir
    start.procs = procs
    celery_app.control.purge()
    yield start
    stop_process_groups(procs)
    celery_app.control.purge()


def stop_process_groups(procs):
    """SIGTERM each worker's process group, SIGKILL what is still there after 10 s."""
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def wait_for(condition, timeout=30, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def emails(mail_dir):
    return sum(f.read_text().count("\nSubject: ") for f in mail_dir.iterdir())


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
    wait_for(lambda: Reminder.objects.filter(pk=first.pk).exclude(sent_at=None).exists(),
             what="the first reminder to be sent")
    assert Notification.objects.filter(user=liaison).count() == 1
    assert emails(start_worker.mail_dir) == 1

    # 2. Another one; kill -9 the worker while the email channel is sending.
    adopted_milestone(real_today - datetime.timedelta(days=2), title="更换路灯")
    JointMeeting.objects.update(held_on=datetime.date(2020, 1, 1))
    sweep_and_enqueue()
    second = Reminder.objects.exclude(pk=first.pk).get()
    wait_for(lambda: Notification.objects.filter(reminder=second).exists(),
             what="the in-app entry before the email")
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    second.refresh_from_db()
    assert second.sent_at is None
    assert emails(start_worker.mail_dir) == 1

    # 3. Restart after the visibility timeout: the unacked message is delivered again, the
    # lease (or its expiry) lets exactly one delivery through, and nothing is doubled.
    time.sleep(VISIBILITY + 0.5)
    start_worker()
    wait_for(lambda: Reminder.objects.filter(pk=second.pk).exclude(sent_at=None).exists(),
             timeout=40, what="the redelivered reminder to be sent")
    second.refresh_from_db()
    assert second.attempts == 2
    assert Notification.objects.filter(user=liaison).count() == 2
    assert Notification.objects.filter(reminder=second).count() == 1
    assert emails(start_worker.mail_dir) == 2

    # 4. Kill only the pool process running the task: the worker rejects the message back
    # onto the queue (reject_on_worker_lost), the redelivery finds the dead child's lease,
    # waits it out and sends the email once.
    adopted_milestone(real_today - datetime.timedelta(days=3), title="修缮凉亭")
    JointMeeting.objects.update(held_on=datetime.date(2020, 1, 1))
    sweep_and_enqueue()
    third = Reminder.objects.exclude(pk__in=[first.pk, second.pk]).get()
    wait_for(lambda: Notification.objects.filter(reminder=third).exists(),
             what="the third in-app entry")
    main = start_worker.procs[-1]
    children = subprocess.run(
        ["pgrep", "-P", str(main.pid)], capture_output=True, text=True
    ).stdout.split()
    assert len(children) == 1
    os.kill(int(children[0]), signal.SIGKILL)
    wait_for(lambda: Reminder.objects.filter(pk=third.pk).exclude(sent_at=None).exists(),
             timeout=40, what="the third reminder to be sent after its worker process died")
    third.refresh_from_db()
    assert third.attempts == 2
    assert Notification.objects.filter(reminder=third).count() == 1
    assert emails(start_worker.mail_dir) == 3
