import datetime
import smtplib
import subprocess
import sys
import time

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from reminders import channels, delivery
from reminders.models import Notification, Reminder
from reminders.tasks import sweep_and_enqueue
from reminders.tasks import deliver_reminder

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 10, 9, 0), tick=True):
        yield


@pytest.fixture
def overdue(liaison, adopted_milestone, today):
    liaison.email = "bob@example.test"
    liaison.save()
    adopted_milestone(today - D(1), title="安装扶手")
    sweep_and_enqueue(today)
    return Reminder.objects.get()


def test_it_sends_one_inbox_entry_and_one_email(overdue, liaison):
    assert delivery.deliver(overdue.pk) == delivery.Outcome.SENT
    assert delivery.deliver(overdue.pk) == delivery.Outcome.ALREADY_DONE
    entry = Notification.objects.get(user=liaison)
    assert "安装扶手" in entry.title
    assert "逾期" in entry.title
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bob@example.test"]
    overdue.refresh_from_db()
    assert overdue.sent_at is not None
    assert overdue.attempts == 1
    assert overdue.delivered_channels == ["in_app", "email"]


def test_it_does_not_send_while_another_worker_holds_the_lease(overdue):
    assert Reminder.claim(overdue.pk)
    assert delivery.deliver(overdue.pk) == delivery.Outcome.LEASED
    assert Notification.objects.count() == 0


def test_it_takes_over_a_stale_lease(overdue):
    assert Reminder.claim(overdue.pk)
    with time_machine.travel(
        datetime.datetime(2026, 6, 10, 9, 0) + D(seconds=settings.REMINDER_LEASE_SECONDS + 120)
    ):
        assert delivery.deliver(overdue.pk) == delivery.Outcome.SENT
    assert Notification.objects.count() == 1


def test_it_drops_a_reminder_whose_milestone_was_done_meanwhile(overdue, today):
    milestone = overdue.subject
    milestone.done_on = today
    milestone.save()
    assert delivery.deliver(overdue.pk) == delivery.Outcome.CANCELLED
    assert Notification.objects.count() == 0
    assert len(mail.outbox) == 0


def test_a_failed_email_is_recorded_and_retried_without_a_second_inbox_entry(
    overdue, monkeypatch
):
    def refuse(self, reminder, message):
        raise smtplib.SMTPServerDisconnected("relay went away")

    monkeypatch.setattr(channels.EmailChannel, "send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        delivery.deliver(overdue.pk)
    overdue.refresh_from_db()
    assert overdue.sent_at is None
    assert overdue.lease_until is None
    assert "relay went away" in overdue.last_error
    assert overdue.is_failed

    monkeypatch.undo()
    assert delivery.deliver(overdue.pk) == delivery.Outcome.SENT
    overdue.refresh_from_db()
    assert overdue.attempts == 2
    assert overdue.last_error == ""
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_delivery_task_retries_email_errors_with_backoff():
    assert deliver_reminder.acks_late is True
    assert deliver_reminder.reject_on_worker_lost is True
    assert issubclass(smtplib.SMTPException, deliver_reminder.autoretry_for)
    assert deliver_reminder.retry_backoff
    assert deliver_reminder.max_retries


def test_it_skips_email_for_users_without_an_address(overdue, liaison):
    liaison.email = ""
    liaison.save()
    assert delivery.deliver(overdue.pk) == delivery.Outcome.SENT
    assert len(mail.outbox) == 0
    assert Notification.objects.count() == 1


def test_the_channel_registry_can_grow(overdue, settings):
    sent = []

    @channels.register
    class PagerChannel:
        name = "pager"

        def send(self, reminder, message):
            sent.append(message.title)

    try:
        settings.REMINDER_CHANNELS = ["pager"]
        delivery.deliver(overdue.pk)
    finally:
        channels.registry.pop("pager")
    assert len(sent) == 1
    assert Notification.objects.count() == 0


def test_the_weekly_digest_goes_to_office_staff(staff, liaison, overdue, today):
    from reminders.sweep import create_weekly_digest

    staff.email = "alice@example.test"
    staff.save()
    assert create_weekly_digest(today)[0] == 1
    assert create_weekly_digest(today)[0] == 0
    digest = Reminder.objects.get(kind=Reminder.Kind.DIGEST)
    assert digest.due_on == today - D(today.weekday())
    delivery.deliver(digest.pk)
    body = Notification.objects.get(user=staff).body
    assert "逾期项目节点：1" in body


def test_enqueueing_with_the_broker_down_is_logged_not_raised(tmp_path):
    """A REDIS_URL pointing at a closed port: .delay() returns quickly, logs, raises nothing."""
    script = (
        "from reminders.tasks import deliver_reminder\n"
        "print('result', deliver_reminder.delay(123))\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "zhujing.settings",
        "REDIS_URL": "redis://127.0.0.1:1/4",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "result None" in result.stdout
    assert "could not enqueue reminders.deliver_reminder" in result.stderr
    assert time.monotonic() - started < 30


def test_it_drops_reminders_for_deactivated_users(overdue, liaison):
    liaison.is_active = False
    liaison.save()
    assert delivery.deliver(overdue.pk) == delivery.Outcome.CANCELLED
    assert Notification.objects.count() == 0


def test_a_visit_reminder_links_to_the_visit_form(liaison, pairing_due_on, today):
    pairing = pairing_due_on(today)
    sweep_and_enqueue(today)
    delivery.deliver(Reminder.objects.get().pk)
    entry = Notification.objects.get(user=liaison)
    assert entry.link == reverse("units:visit-create", args=[pairing.pk])
    assert "走访即将到期" in entry.title


def test_a_milestone_reminder_links_to_the_units_project_page(overdue, liaison, liaison_client):
    delivery.deliver(overdue.pk)
    entry = Notification.objects.get(user=liaison)
    milestone = overdue.subject_type.get_object_for_this_type(pk=overdue.subject_id)
    assert entry.link == reverse("projects:my-project", args=[milestone.project_id])
    assert liaison_client.get(entry.link).status_code == 200


def test_office_staff_get_one_escalation_notice_a_day_however_many_pairings(
    staff, liaison, pairing_due_on, today
):
    for i in range(12):
        pairing_due_on(today - D(20 + i))
    sweep_and_enqueue(today)
    for reminder in Reminder.objects.all():
        delivery.deliver(reminder.pk)
    for reminder in Reminder.objects.all():  # delivered again: still exactly once
        assert delivery.deliver(reminder.pk) == delivery.Outcome.ALREADY_DONE
    notices = Notification.objects.filter(user=staff)
    assert notices.count() == 1
    assert "12" in notices.get().title
    # Each pairing's escalation is still recorded as sent, for the pairing-health page.
    per_pairing = Reminder.objects.filter(recipient=staff, kind=Reminder.Kind.VISIT_ESCALATION).exclude(due_on=today)
    assert per_pairing.count() == 12 and not per_pairing.filter(sent_at=None).exists()
    # The next sweep the same day adds nothing.
    assert sweep_and_enqueue(today)[0] == 0


def test_recording_the_visit_settles_its_overdue_notice(liaison, liaison_client, pairing_due_on, today):
    pairing = pairing_due_on(today - D(3))
    other = pairing_due_on(today - D(4))
    sweep_and_enqueue(today)
    for reminder in Reminder.objects.filter(recipient=liaison):
        delivery.deliver(reminder.pk)
    assert Notification.objects.filter(user=liaison).unread().count() == 2

    response = liaison_client.post(
        reverse("units:visit-create", args=[pairing.pk]),
        {"visited_on": today.isoformat(), "channel": "onsite", "visitors": "小李", "households_visited": 2, "activities": "走访慰问困难群众"},
    )
    assert response.status_code == 302
    unread = Notification.objects.filter(user=liaison).unread()
    assert [n.reminder.subject_id for n in unread] == [other.pk]
