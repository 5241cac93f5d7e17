"""Thin tasks: the logic lives in ``sweep.py`` and ``delivery.py``."""

import logging

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import transaction

from core.sideeffects import after_commit

from . import delivery, outbox, sweep

logger = logging.getLogger(__name__)


class BrokerSafeTask(DjangoTask):
    """``delay()`` logs a broker error instead of raising, even outside ``after_commit``.

    When Redis is down a page that enqueues must still answer: the row stays unsent and the
    next sweep enqueues it again. Connection timeouts and publish retries are bounded in
    settings, so this returns within a few seconds.
    """

    abstract = True

    def delay(self, *args, **kwargs):
        try:
            return super().delay(*args, **kwargs)
        except Exception:  # kombu OperationalError, redis ConnectionError, OSError...
            logger.exception("could not enqueue %s%r; the next sweep will retry", self.name, args)
            return None


def enqueue_deliveries(pks):
    """One delivery task per reminder id, sent once the caller's transaction commits."""
    for pk in pks:
        after_commit(deliver_reminder.delay, pk)
    return len(pks)


def sweep_and_enqueue(today=None):
    """Sweep, then enqueue what it returned. Returns (created, enqueued)."""
    created, pks = sweep.sweep(today)
    return created, enqueue_deliveries(pks)


@shared_task(name="reminders.sweep_reminders", base=BrokerSafeTask)
def sweep_reminders():
    return sweep_and_enqueue()


@shared_task(name="reminders.requeue_reminders", base=BrokerSafeTask)
def requeue_reminders():
    """The cheap half of the sweep, run often: enqueue again what the broker may have lost."""
    with transaction.atomic():
        return enqueue_deliveries(sweep.claim_unsent())


@shared_task(name="reminders.send_weekly_digest", base=BrokerSafeTask)
def send_weekly_digest():
    created, pks = sweep.create_weekly_digest()
    return created, enqueue_deliveries(pks)


@shared_task(
    bind=True,
    name="reminders.deliver_reminder",
    base=BrokerSafeTask,
    # Safe to run twice (claim + lease + per-channel record), so it may be acked late and
    # requeued when the worker dies mid-task.
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),  # SMTP errors, refused connections, timeouts
    retry_backoff=True,
    retry_backoff_max=3600,
    max_retries=8,
)
def deliver_reminder(self, pk):
    try:
        outcome = delivery.deliver(pk)
    finally:
        wake_senders(pk)
    if outcome == delivery.Outcome.LEASED:
        # Someone holds the lease (a slow send, or a dead worker's lease): look again once
        # it has run out; the send goes ahead only if the row is still unsent by then.
        raise self.retry(countdown=settings.REMINDER_LEASE_SECONDS, max_retries=None)
    return outcome


# --- the robot and SMS senders (outbox.py) ------------------------------------------------
# Safe to run twice (each message is claimed, and one worker flushes a robot at a time), so
# acked late; anything they leave (quiet hours, a rate limit, a provider down) is picked up
# by flush_outboxes from the database, never by a far-future ETA.


@shared_task(name="reminders.flush_robot", base=BrokerSafeTask, acks_late=True,
             reject_on_worker_lost=True)
def flush_robot(robot_id):
    return outbox.flush_robot(robot_id)


@shared_task(name="reminders.send_sms", base=BrokerSafeTask, acks_late=True,
             reject_on_worker_lost=True)
def send_sms(pk):
    return outbox.send_sms(pk)


def wake_senders(reminder_pk):
    """Send what this reminder queued for robots (after a short wait, so that what is due
    together goes as one message) and by SMS."""
    for robot_id in outbox.robots_waiting_for(reminder_pk):
        after_commit(flush_robot.apply_async, (robot_id,), countdown=settings.WECOM_BATCH_SECONDS)
    for pk in outbox.sms_waiting_for(reminder_pk):
        after_commit(send_sms.delay, pk)


@shared_task(name="reminders.flush_outboxes", base=BrokerSafeTask)
def flush_outboxes():
    """Run often by beat: wake the sender of every robot and SMS with something waiting."""
    if outbox.quiet_until():
        return 0, 0
    robots, sms = outbox.robots_with_work(), outbox.sms_with_work()
    for pk in robots:
        flush_robot.delay(pk)
    for pk in sms:
        send_sms.delay(pk)
    return len(robots), len(sms)
