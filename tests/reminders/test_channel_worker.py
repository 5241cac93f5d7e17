"""Robots and SMS through a real Celery worker (with beat) on real Redis, killed with SIGKILL
mid-send, and a fake that rate-limits for a minute: every message arrives, and only once.

The fakes (tests/fakes.py) run in this process; the worker reaches them over HTTP. The
visibility timeout is an hour, as in production, so what a killed worker held comes back
through the database sweep (``requeue_reminders``, ``flush_outboxes``), not through Redis.
"""

import datetime
import os
import signal
import time

import pytest

from projects.models import JointMeeting
from reminders.models import (
    Notification,
    NotificationPreference,
    OutboxState,
    Reminder,
    RobotMessage,
    SmsMessage,
)
from reminders.tasks import sweep_and_enqueue
from tests.factories import CommunityFactory
from tests.fakes import FakeServer
from tests.reminders.workers import emails, wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
]

LEASE = 6


@pytest.fixture
def fake():
    server = FakeServer().start()
    yield server
    server.stop()


@pytest.fixture
def worker_env(fake):
    return {
        "WECOM_WEBHOOK_URL": f"{fake.url}/cgi-bin/webhook/send",
        "SMS_GATEWAY_URL": f"{fake.url}/sms",
        "SMS_TEMPLATES": "visit_overdue=SMS_100",
        "REMINDER_CHANNELS": "in_app,email,wecom,sms",
        "REMINDER_QUIET_HOURS": "0,0",  # the clock is real here; quiet hours have their own tests
        "REMINDER_TEST_SEND_DELAY": "0",
        "REMINDER_LEASE_SECONDS": str(LEASE),
        "REMINDER_OUTBOX_LEASE_SECONDS": str(LEASE),
        "REMINDER_OUTBOX_RETRY_SECONDS": "2",
        "REMINDER_HTTP_TIMEOUT": "20",
        "REMINDER_REQUEUE_CHECK_SECONDS": "2",
        "REMINDER_OUTBOX_CHECK_SECONDS": "2",
        "REMINDER_SWEEP_SECONDS": "3600",
        "WECOM_BATCH_SECONDS": "1",
        "CELERY_VISIBILITY_TIMEOUT": "3600",
    }


@pytest.fixture
def overdue_visit(robot, liaison, pairing_due_on):
    """Overdue visit of a pairing in the robot's 片区; the office sends overdue visits by SMS."""
    liaison.email = "bob@example.test"
    liaison.save()
    NotificationPreference.objects.create(user=None, kind="visit_overdue", sms=True)
    JointMeeting.objects.update(held_on=datetime.date(2020, 1, 1))

    def make(name):
        pairing_due_on(datetime.date.today() - datetime.timedelta(days=3),
                       community=CommunityFactory(name=name, district=robot.district))
        sweep_and_enqueue()
        return Reminder.objects.order_by("-pk").first()

    return make


def kill(proc):
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def markdowns(fake, name):
    return [r for r in fake.robot_accepted if name in r["content"]]


def test_a_worker_killed_after_the_gateway_took_the_sms_does_not_send_it_again(
    start_worker, worker_env, fake, overdue_visit, robot
):
    robot.kinds = []  # SMS only here
    robot.save()
    fake.set_mode(sms_mode="slow", delay=4)
    worker = start_worker(worker_env, beat=True)
    reminder = overdue_visit("南圩居民区")

    # The gateway has the SMS and is slow to answer: kill the worker now.
    wait_for(lambda: len(fake.sms_accepted) == 1, what="the SMS to reach the gateway")
    kill(worker)
    assert SmsMessage.objects.get().state == OutboxState.SENDING
    fake.set_mode(sms_mode="ok")
    start_worker(worker_env, beat=True)

    # The restarted worker asks the gateway by OutId, finds it, records its request id.
    wait_for(lambda: SmsMessage.objects.filter(state=OutboxState.SENT).exists(), timeout=40,
             what="the SMS to be recorded as sent")
    time.sleep(3)  # time enough for any wrong second send
    assert len(fake.sms_received) == 1
    assert SmsMessage.objects.get().request_id == fake.sms_accepted[0]["request_id"]
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert Notification.objects.filter(reminder=reminder).count() == 1
    assert emails(start_worker.mail_dir) == 1


def test_a_worker_killed_after_the_group_got_the_robot_message_does_not_post_it_again(
    start_worker, worker_env, fake, overdue_visit, unit_a
):
    NotificationPreference.objects.all().delete()  # robot only here
    fake.set_mode(robot_mode="slow", delay=4)
    worker = start_worker(worker_env, beat=True)
    reminder = overdue_visit("南圩居民区")

    # The group has the markdown message and the robot is slow to answer: kill the worker.
    wait_for(lambda: markdowns(fake, "南圩居民区"), timeout=40, what="the robot message")
    kill(worker)
    fake.set_mode(robot_mode="ok")
    start_worker(worker_env, beat=True)
    wait_for(lambda: not RobotMessage.objects.filter(state__in=["queued", "sending"]).exists(),
             timeout=40, what="the robot messages to settle")
    time.sleep(3)  # time enough for any wrong second send

    assert len(markdowns(fake, "南圩居民区")) == 1
    texts = [r for r in fake.robot_accepted if r["body"]["msgtype"] == "text"]
    assert [t["body"]["text"]["mentioned_mobile_list"] for t in texts] == [[unit_a.liaison_phone]]
    assert len(fake.robot_received) == 2
    assert RobotMessage.objects.get(msgtype="markdown").state == OutboxState.UNCERTAIN
    assert RobotMessage.objects.get(msgtype="text").state == OutboxState.SENT
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert fake.sms_received == []


def test_a_minute_of_rate_limiting_delays_the_messages_and_sends_them_once(
    start_worker, worker_env, fake, overdue_visit
):
    fake.set_mode(rate_limited_for=60)
    start_worker(worker_env, beat=True)
    started = time.monotonic()
    overdue_visit("东林村")
    wait_for(lambda: len(fake.robot_received) >= 1 and len(fake.sms_received) >= 1,
             what="the first (refused) tries")
    assert fake.robot_accepted == [] and fake.sms_accepted == []
    wait_for(lambda: markdowns(fake, "东林村") and fake.sms_accepted, timeout=120,
             what="the messages after the rate limit")
    waited = time.monotonic() - started
    assert 55 < waited < 100
    time.sleep(5)
    assert len(markdowns(fake, "东林村")) == 1
    assert len(fake.sms_accepted) == 1
    assert set(RobotMessage.objects.values_list("state", flat=True)) == {OutboxState.SENT}


def test_a_reminder_whose_worker_died_mid_send_arrives_on_every_channel_within_a_minute(
    start_worker, worker_env, fake, overdue_visit
):
    """Issue 23 item 8: no 15-minute tail; Redis would give the message back only in an hour."""
    env = {**worker_env, "REMINDER_TEST_SEND_DELAY": "3"}  # the email channel sleeps: kill then
    worker = start_worker(env, beat=True)
    reminder = overdue_visit("秀州村")
    wait_for(lambda: Notification.objects.filter(reminder=reminder).exists(), what="the in-app entry")
    kill(worker)
    killed = time.monotonic()
    reminder.refresh_from_db()
    assert reminder.sent_at is None and reminder.delivered_channels == ["in_app"]
    start_worker(env, beat=True)
    wait_for(lambda: Reminder.objects.filter(pk=reminder.pk).exclude(sent_at=None).exists(),
             timeout=60, what="the reminder to be sent after the kill")
    wait_for(lambda: markdowns(fake, "秀州村") and fake.sms_accepted, timeout=30,
             what="the robot and SMS")
    assert time.monotonic() - killed < 60
    reminder.refresh_from_db()
    assert reminder.delivered_channels == ["in_app", "email", "wecom", "sms"]
    assert emails(start_worker.mail_dir) == 1
    assert Notification.objects.filter(reminder=reminder).count() == 1
    assert len(markdowns(fake, "秀州村")) == 1 and len(fake.sms_accepted) == 1
