"""The 企业微信 group-robot channel against the local fake (tests/fakes.py)."""

import datetime
import logging

import pytest
import time_machine
from django.urls import reverse

from reminders import delivery, outbox
from reminders.models import Notification, OutboxState, Reminder, RobotMessage, WeComRobot
from reminders.tasks import sweep_and_enqueue
from tests.factories import CommunityFactory, DistrictFactory, UserFactory
from tests.reminders.conftest import MORNING, ROBOT_KEY, SH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
D = datetime.timedelta


@pytest.fixture
def overdue_pairing(robot, pairing_due_on, liaison, today):
    """An overdue visit of unit_a's pairing with a community in the robot's 片区."""
    return pairing_due_on(today - D(3), community=CommunityFactory(name="南圩居民区", district=robot.district))


def deliver_all():
    for pk in Reminder.objects.values_list("pk", flat=True):
        delivery.deliver(pk)


def test_it_sends_a_due_visit_to_its_districts_robot_once(fake, robot, overdue_pairing, unit_a, today):
    UserFactory(username="bob2", unit=unit_a)  # a second liaison: still one line in the group
    other = WeComRobot.objects.create(name="城东片区", webhook_key="other-key-123456",
                                      district=DistrictFactory(name="城东"), kinds=["visit_overdue"])
    sweep_and_enqueue(today)
    assert Reminder.objects.filter(kind="visit_overdue").count() == 2
    deliver_all()
    outbox.flush_robot(robot.pk)
    outbox.flush_robot(other.pk)

    markdown, text = fake.robot_accepted
    assert markdown["key"] == ROBOT_KEY
    assert markdown["body"]["msgtype"] == "markdown"
    assert markdown["content"].count("走访已逾期：南圩居民区") == 1
    assert f"](http://127.0.0.1:8000/my/pairings/{overdue_pairing.pk}/visits/new/)" in markdown["content"]
    assert text["body"]["msgtype"] == "text"
    assert text["body"]["text"]["mentioned_mobile_list"] == [unit_a.liaison_phone]

    deliver_all()
    outbox.flush_robot(robot.pk)
    assert len(fake.robot_received) == 2


def test_it_batches_what_is_due_for_one_group_into_one_message(fake, robot, pairing_due_on, liaison, today):
    for name in ["南圩居民区", "东林村", "秀州村"]:
        pairing_due_on(today - D(3), community=CommunityFactory(name=name, district=robot.district))
    sweep_and_enqueue(today)
    deliver_all()
    outbox.flush_robot(robot.pk)
    markdowns = [r for r in fake.robot_accepted if r["body"]["msgtype"] == "markdown"]
    assert len(markdowns) == 1
    for name in ["南圩居民区", "东林村", "秀州村"]:
        assert name in markdowns[0]["content"]


def test_it_splits_a_batch_to_stay_within_4096_bytes(fake, robot, pairing_due_on, liaison, today):
    names = [f"{'很长的村居名称' * 8}{n}" for n in range(40)]
    for name in names:
        pairing_due_on(today - D(3), community=CommunityFactory(name=name, district=robot.district))
    sweep_and_enqueue(today)
    deliver_all()
    outbox.flush_robot(robot.pk)
    markdowns = [r["content"] for r in fake.robot_accepted if r["body"]["msgtype"] == "markdown"]
    assert len(markdowns) > 1
    assert all(len(m.encode()) <= 4096 for m in markdowns)
    joined = "".join(markdowns)
    assert all(name in joined for name in names)
    assert not [r for r in fake.robot_received if not r["accepted"]]


def test_it_keeps_to_20_messages_a_minute_per_robot(fake, robot, frozen):
    for n in range(25):
        RobotMessage.objects.create(robot=robot, content=f"第{n}条")
    wait = outbox.flush_robot(robot.pk)
    assert len(fake.robot_accepted) == 20
    assert wait and wait > 0
    assert RobotMessage.objects.filter(state=OutboxState.QUEUED).count() == 5
    frozen.shift(61)
    assert outbox.flush_robot(robot.pk) is None
    assert len(fake.robot_accepted) == 25
    assert not [r for r in fake.robot_received if not r["accepted"]]  # never hit the platform's limit


def test_it_waits_out_a_minute_of_rate_limiting_and_sends_once(fake, robot, overdue_pairing, today, frozen):
    fake.set_mode(rate_limited_for=60)
    sweep_and_enqueue(today)
    deliver_all()
    assert outbox.flush_robot(robot.pk) == pytest.approx(60, abs=2)
    robot.refresh_from_db()
    assert robot.paused_until is not None
    assert "45009" in robot.last_error
    assert fake.robot_accepted == []
    frozen.shift(30)
    outbox.flush_robot(robot.pk)  # still paused: nothing sent, nothing asked
    assert len(fake.robot_received) == 1
    frozen.shift(31)
    assert outbox.flush_robot(robot.pk) is None
    assert [r["body"]["msgtype"] for r in fake.robot_accepted] == ["markdown", "text"]
    assert set(RobotMessage.objects.values_list("state", flat=True)) == {OutboxState.SENT}


def test_it_stops_a_robot_whose_key_is_rejected_and_tells_the_office(
    fake, robot, overdue_pairing, staff, today, staff_client
):
    staff.is_superuser = True
    staff.save()
    fake.set_mode(invalid_keys=[ROBOT_KEY])
    sweep_and_enqueue(today)
    deliver_all()
    outbox.flush_robot(robot.pk)
    robot.refresh_from_db()
    assert robot.broken_at is not None
    assert "93000" in robot.last_error
    notice = Notification.objects.get(user=staff, title__contains=robot.name)
    assert "企业微信" in notice.title or "机器人" in notice.title
    assert len(fake.robot_received) == 1  # it stopped after the first refusal
    outbox.flush_robot(robot.pk)
    assert len(fake.robot_received) == 1

    # The office pastes a new address: the robot sends what waited.
    fake.set_mode(invalid_keys=[])
    new_key = "a1b2c3d4-new-key-5678"
    url = reverse("admin:reminders_wecomrobot_change", args=[robot.pk])
    response = staff_client.post(url, {
        "name": robot.name, "webhook_key": f"{fake.url}/cgi-bin/webhook/send?key={new_key}",
        "district": robot.district_id, "kinds": ["visit_overdue"], "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    robot.refresh_from_db()
    assert robot.webhook_key == new_key and robot.broken_at is None
    outbox.flush_robot(robot.pk)
    assert [r["key"] for r in fake.robot_accepted] == [new_key, new_key]


def test_it_splits_a_message_the_platform_finds_too_long(fake, robot):
    paragraphs = [f"> 第{n}段" + "字" * 300 for n in range(10)]
    message = RobotMessage.objects.create(robot=robot, content="\n\n".join(paragraphs))
    outbox.flush_robot(robot.pk)
    message.refresh_from_db()
    assert message.state == OutboxState.FAILED and "40058" in message.last_error
    accepted = [r["content"] for r in fake.robot_accepted]
    assert len(accepted) >= 2  # halves, and halves again until each fits
    assert all(len(content.encode()) <= 4096 for content in accepted)
    assert "".join(accepted).count("第") == 10


def test_a_message_accepted_before_the_connection_dropped_is_not_sent_again(fake, robot, overdue_pairing, today):
    fake.set_mode(robot_mode="drop")
    sweep_and_enqueue(today)
    deliver_all()
    outbox.flush_robot(robot.pk)
    fake.set_mode(robot_mode="ok")
    outbox.flush_robot(robot.pk)
    states = list(RobotMessage.objects.order_by("pk").values_list("state", flat=True))
    assert states == [OutboxState.UNCERTAIN, OutboxState.UNCERTAIN]
    assert len(fake.robot_received) == 2  # each once: nothing repeated


def test_a_message_whose_sender_died_before_posting_is_sent(fake, robot, frozen):
    message = RobotMessage.objects.create(robot=robot, content="测试")
    RobotMessage.objects.filter(pk=message.pk).update(
        state=OutboxState.SENDING, attempts=1, lease_until=MORNING + D(seconds=10)
    )
    frozen.shift(120)
    outbox.flush_robot(robot.pk)
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
    assert message.attempts == 2
    assert len(fake.robot_accepted) == 1


def test_a_message_whose_sender_died_after_posting_is_not_sent_again(fake, robot, frozen):
    message = RobotMessage.objects.create(robot=robot, content="测试")
    RobotMessage.objects.filter(pk=message.pk).update(
        state=OutboxState.SENDING, attempts=1, posted_at=MORNING, lease_until=MORNING + D(seconds=10)
    )
    frozen.shift(120)
    outbox.flush_robot(robot.pk)
    message.refresh_from_db()
    assert message.state == OutboxState.UNCERTAIN
    assert fake.robot_received == []


def test_it_holds_robot_messages_through_quiet_hours(fake, robot, overdue_pairing, today):
    with time_machine.travel(datetime.datetime(2026, 6, 10, 21, 30, tzinfo=SH), tick=False):
        sweep_and_enqueue(today)
        deliver_all()
        assert outbox.flush_robot(robot.pk) == 10.5 * 3600
    with time_machine.travel(datetime.datetime(2026, 6, 11, 7, 59, tzinfo=SH), tick=False):
        outbox.flush_robot(robot.pk)
    assert fake.robot_received == []
    with time_machine.travel(datetime.datetime(2026, 6, 11, 8, 0, tzinfo=SH), tick=False):
        outbox.flush_robot(robot.pk)
    assert len(fake.robot_accepted) == 2


def test_names_people_typed_never_become_links_or_mentions_in_the_group(fake, robot, pairing_due_on, liaison, today):
    pairing_due_on(today - D(3), community=CommunityFactory(
        name="[点我领奖](http://evil.example) <@all> **大字**", district=robot.district))
    sweep_and_enqueue(today)
    deliver_all()
    outbox.flush_robot(robot.pk)
    content = fake.robot_accepted[0]["content"]
    assert "](http://evil" not in content
    assert "<@all>" not in content
    assert "**大字**" not in content
    assert "［点我领奖］（http://evil.example）" in content


def test_the_webhook_key_never_shows_in_pages_or_logs(fake, robot, overdue_pairing, staff, staff_client, today, caplog, settings):
    staff.is_superuser = True
    staff.save()
    caplog.set_level(logging.DEBUG)
    sweep_and_enqueue(today)
    deliver_all()
    fake.set_mode(invalid_keys=[ROBOT_KEY])
    outbox.flush_robot(robot.pk)  # 93000: stopped, the office told
    WeComRobot.objects.filter(pk=robot.pk).update(broken_at=None)
    real_url = settings.WECOM_WEBHOOK_URL
    settings.WECOM_WEBHOOK_URL = "http://127.0.0.1:9/cgi-bin/webhook/send"  # nothing listens
    outbox.flush_robot(robot.pk)
    settings.WECOM_WEBHOOK_URL = real_url
    fake.set_mode(invalid_keys=[], robot_mode=40001)  # any other error
    outbox.flush_robot(robot.pk)
    assert "connect failed" in caplog.text and "40001" in caplog.text
    pages = [
        staff_client.get(reverse("admin:reminders_wecomrobot_changelist")),
        staff_client.get(reverse("admin:reminders_wecomrobot_change", args=[robot.pk])),
        staff_client.get(reverse("admin:reminders_reminder_changelist")),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert ROBOT_KEY not in html
        assert ROBOT_KEY[:12] not in html
    assert robot.masked_key in pages[1].content.decode()
    assert ROBOT_KEY not in caplog.text
    assert "93000" in caplog.text or "rejected" in caplog.text
    for error in RobotMessage.objects.values_list("last_error", flat=True):
        assert ROBOT_KEY not in error


def test_the_office_sends_a_test_message_from_the_robots_page(fake, robot, staff, staff_client, liaison_client):
    staff.is_superuser = True
    staff.save()
    page = staff_client.get(reverse("admin:reminders_wecomrobot_change", args=[robot.pk])).content.decode()
    url = reverse("admin:reminders_wecomrobot_test", args=[robot.pk])
    assert url in page
    assert liaison_client.post(url).status_code == 302 and fake.robot_received == []
    assert staff_client.get(url).status_code == 403
    response = staff_client.post(url, follow=True)
    assert "测试消息已发送" in response.content.decode()
    assert len(fake.robot_accepted) == 1
    assert RobotMessage.objects.get().is_test

    fake.set_mode(invalid_keys=[ROBOT_KEY])
    response = staff_client.post(url, follow=True)
    assert "93000" in response.content.decode()


def test_the_reminder_list_shows_each_channels_state(fake, robot, overdue_pairing, staff, staff_client, today):
    staff.is_superuser = True
    staff.save()
    fake.set_mode(rate_limited_for=60)
    sweep_and_enqueue(today)
    deliver_all()
    outbox.flush_robot(robot.pk)
    html = staff_client.get(reverse("admin:reminders_reminder_changelist")).content.decode()
    assert "wecom · 城南片区联络员群" in html
    assert "45009" in html
    assert "×1" in html


def test_only_robots_with_something_waiting_are_woken(fake, robot, overdue_pairing, today):
    idle = WeComRobot.objects.create(name="城东片区", webhook_key="idle-key-123456", kinds=[])
    assert outbox.robots_with_work() == []
    sweep_and_enqueue(today)
    deliver_all()
    assert outbox.robots_with_work() == [robot.pk]
    outbox.flush_robot(robot.pk)
    assert outbox.robots_with_work() == []
    assert idle.pk not in outbox.robots_with_work()
