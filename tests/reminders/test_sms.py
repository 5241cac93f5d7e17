"""The SMS channel against the local fake gateway (tests/fakes.py)."""

import datetime
import json

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from reminders import delivery, outbox
from reminders.models import NotificationPreference, OutboxState, Reminder, SmsMessage, SmsOptOut
from tests.reminders.conftest import MORNING, SH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
D = datetime.timedelta


@pytest.fixture
def sms_for_overdue_visits(db):
    """The office's choice: overdue visits go by SMS too."""
    return NotificationPreference.objects.create(user=None, kind="visit_overdue", email=True, sms=True)


@pytest.fixture
def overdue_visit(liaison, pairing_due_on, today):
    from reminders.tasks import sweep_and_enqueue

    liaison.email = "bob@example.test"
    liaison.save()
    pairing = pairing_due_on(today - D(3))
    sweep_and_enqueue(today)
    return Reminder.objects.get(kind="visit_overdue"), pairing


def deliver_and_send(reminder):
    delivery.deliver(reminder.pk)
    for pk in outbox.sms_with_work():
        outbox.send_sms(pk)


def test_it_texts_the_liaison_once_with_an_approved_template(fake, sms_for_overdue_visits, overdue_visit, unit_a):
    reminder, pairing = overdue_visit
    deliver_and_send(reminder)
    deliver_and_send(reminder)
    (received,) = fake.sms_accepted
    body = received["body"]
    assert body["PhoneNumbers"] == unit_a.liaison_phone
    assert body["SignName"] == "朱泾党建"
    assert body["TemplateCode"] == "SMS_100"
    params = json.loads(body["TemplateParam"])
    assert set(params) == {"name", "date", "code"}
    assert params["name"].startswith(pairing.community.name[:5])
    assert params["date"] == "2026年6月7日"
    sms = SmsMessage.objects.get()
    assert sms.state == OutboxState.SENT
    assert sms.request_id == received["request_id"]
    assert params["code"] == sms.out_id.hex
    assert len(mail.outbox) == 1  # the other channels went as before


def test_it_sends_no_sms_unless_the_office_or_the_user_chose_it(fake, overdue_visit, liaison):
    reminder, _ = overdue_visit
    deliver_and_send(reminder)
    assert fake.sms_received == [] and SmsMessage.objects.count() == 0


def test_a_users_own_choice_wins_over_the_office_default(fake, sms_for_overdue_visits, overdue_visit, liaison):
    NotificationPreference.objects.create(user=liaison, kind="visit_overdue", email=False, sms=False)
    reminder, _ = overdue_visit
    deliver_and_send(reminder)
    assert fake.sms_received == []
    assert mail.outbox == []


def test_it_sends_no_sms_to_a_landline(fake, sms_for_overdue_visits, overdue_visit, unit_a):
    unit_a.liaison_phone = "021-57321234"
    unit_a.save()
    reminder, _ = overdue_visit
    deliver_and_send(reminder)
    assert fake.sms_received == []


def test_a_kind_without_an_approved_template_never_goes_by_sms(fake, overdue_visit, settings, liaison):
    NotificationPreference.objects.create(user=None, kind="visit_overdue", sms=True)
    settings.SMS_TEMPLATES = {"meeting": "SMS_200"}
    reminder, _ = overdue_visit
    deliver_and_send(reminder)
    assert fake.sms_received == []


def test_one_tap_on_the_link_in_the_message_stops_sms(fake, sms_for_overdue_visits, overdue_visit, anon, unit_a, adopted_milestone, today):
    reminder, _ = overdue_visit
    deliver_and_send(reminder)
    code = SmsMessage.objects.get().out_id.hex
    url = reverse("reminders:sms-opt-out", args=[code])
    page = anon.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert unit_a.liaison_phone not in html  # masked
    assert unit_a.liaison_phone[:3] + "****" + unit_a.liaison_phone[-4:] in html
    assert not SmsOptOut.objects.exists()  # opening the link (or a chat preview of it) is not enough
    done = anon.post(url)
    assert done.status_code == 200
    assert "不再向" in done.content.decode()
    assert SmsOptOut.objects.filter(phone=unit_a.liaison_phone).exists()
    assert anon.get(reverse("reminders:sms-opt-out", args=["0" * 32])).status_code == 404

    # A later reminder to that number goes to the inbox, not by SMS.
    NotificationPreference.objects.create(user=None, kind="meeting", sms=True)
    from reminders.tasks import sweep_and_enqueue
    from tests.factories import JointMeetingFactory

    JointMeetingFactory(held_on=today + D(5))
    sweep_and_enqueue(today)
    for r in Reminder.objects.filter(kind="meeting"):
        deliver_and_send(r)
    assert len(fake.sms_accepted) == 1


def test_the_opt_out_post_needs_its_csrf_token(fake, sms_for_overdue_visits, overdue_visit):
    from django.test import Client

    reminder, _ = overdue_visit
    deliver_and_send(reminder)
    code = SmsMessage.objects.get().out_id.hex
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("reminders:sms-opt-out", args=[code])).status_code == 403
    assert not SmsOptOut.objects.exists()


def test_it_keeps_the_daily_cap_per_number(fake, settings, liaison, unit_a):
    settings.SMS_DAILY_CAP_PER_NUMBER = 2
    for n in range(3):
        SmsMessage.objects.create(phone=unit_a.liaison_phone, dedup_key=f"k{n}", template_code="SMS_100",
                                  params={"name": "x", "date": "y", "code": "z"})
    waits = [outbox.send_sms(pk) for pk in SmsMessage.objects.order_by("pk").values_list("pk", flat=True)]
    assert len(fake.sms_accepted) == 2
    assert waits[2] == (datetime.datetime(2026, 6, 11, 8, 0, tzinfo=SH) - MORNING).total_seconds() or waits[2] > 3600
    held = SmsMessage.objects.order_by("pk").last()
    assert held.state == OutboxState.QUEUED and "上限" in held.last_error
    with time_machine.travel(datetime.datetime(2026, 6, 11, 8, 5, tzinfo=SH), tick=False):
        outbox.send_sms(held.pk)
    assert len(fake.sms_accepted) == 3


def test_after_no_answer_it_asks_the_gateway_before_sending_again(fake, sms_for_overdue_visits, overdue_visit, frozen):
    fake.set_mode(sms_mode="drop")  # the gateway takes it and the connection drops
    reminder, _ = overdue_visit
    deliver_and_send(reminder)
    sms = SmsMessage.objects.get()
    assert sms.state == OutboxState.SENDING and sms.posted_at is not None
    fake.set_mode(sms_mode="ok")
    frozen.shift(61)
    for pk in outbox.sms_with_work():
        outbox.send_sms(pk)
    sms.refresh_from_db()
    assert sms.state == OutboxState.SENT
    assert len(fake.sms_accepted) == 1
    assert sms.request_id == fake.sms_accepted[0]["request_id"]


def test_an_sms_whose_sender_died_before_posting_is_sent(fake, unit_a, frozen):
    sms = SmsMessage.objects.create(phone=unit_a.liaison_phone, dedup_key="k", template_code="SMS_100",
                                    params={"name": "x"}, state=OutboxState.SENDING, attempts=1,
                                    lease_until=MORNING + D(seconds=5))
    frozen.shift(120)
    assert outbox.sms_with_work() == [sms.pk]
    outbox.send_sms(sms.pk)
    sms.refresh_from_db()
    assert sms.state == OutboxState.SENT and sms.attempts == 2
    assert len(fake.sms_accepted) == 1


def test_a_rate_limited_gateway_is_tried_again_and_sends_once(fake, sms_for_overdue_visits, overdue_visit, frozen):
    fake.set_mode(rate_limited_for=60)
    reminder, _ = overdue_visit
    deliver_and_send(reminder)
    sms = SmsMessage.objects.get()
    assert sms.state == OutboxState.QUEUED and "BUSINESS_LIMIT_CONTROL" in sms.last_error
    frozen.shift(61)
    for pk in outbox.sms_with_work():
        outbox.send_sms(pk)
    assert len(fake.sms_accepted) == 1
    sms.refresh_from_db()
    assert sms.state == OutboxState.SENT


def test_it_holds_sms_through_quiet_hours(fake, sms_for_overdue_visits, overdue_visit):
    reminder, _ = overdue_visit
    with time_machine.travel(datetime.datetime(2026, 6, 10, 23, 0, tzinfo=SH), tick=False):
        deliver_and_send(reminder)
    with time_machine.travel(datetime.datetime(2026, 6, 11, 7, 30, tzinfo=SH), tick=False):
        for pk in outbox.sms_with_work():
            outbox.send_sms(pk)
    assert fake.sms_received == []
    with time_machine.travel(datetime.datetime(2026, 6, 11, 8, 1, tzinfo=SH), tick=False):
        for pk in outbox.sms_with_work():
            outbox.send_sms(pk)
    assert len(fake.sms_accepted) == 1


def test_a_gateway_that_is_down_does_not_hold_up_the_other_channels(sms_for_overdue_visits, overdue_visit, settings, liaison):
    from reminders.models import Notification

    settings.REMINDER_CHANNELS = ["in_app", "email", "wecom", "sms"]
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # nothing listens
    settings.SMS_TEMPLATES = {"visit_overdue": "SMS_100"}
    reminder, _ = overdue_visit
    assert delivery.deliver(reminder.pk) == delivery.Outcome.SENT
    assert Notification.objects.filter(user=liaison).count() == 1
    assert len(mail.outbox) == 1
    (pk,) = outbox.sms_with_work()
    outbox.send_sms(pk)
    sms = SmsMessage.objects.get()
    assert sms.state == OutboxState.QUEUED and "connect failed" in sms.last_error


def test_a_failing_email_does_not_hold_up_the_robot(fake, robot, liaison, pairing_due_on, today, settings):
    from reminders.models import RobotItem
    from reminders.tasks import sweep_and_enqueue
    from tests.factories import CommunityFactory

    liaison.email = "bob@example.test"
    liaison.save()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    pairing_due_on(today - D(3), community=CommunityFactory(district=robot.district))
    sweep_and_enqueue(today)
    reminder = Reminder.objects.get()
    with pytest.raises(OSError):
        delivery.deliver(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.sent_at is None and reminder.last_error.startswith("email:")
    assert "wecom" in reminder.delivered_channels
    assert RobotItem.objects.filter(reminder=reminder).count() == 1
