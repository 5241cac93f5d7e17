import datetime

import pytest

from tests.factories import (
    AdoptionFactory,
    MilestoneFactory,
    PairingFactory,
    ProjectFactory,
)

TODAY = datetime.date(2026, 6, 10)
SH = datetime.timezone(datetime.timedelta(hours=8))
#: A weekday morning in Shanghai, outside the quiet hours.
MORNING = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=SH)


@pytest.fixture
def today():
    return TODAY


@pytest.fixture(autouse=True)
def _reminder_settings(settings, tmp_path):
    settings.REMINDER_VISIT_LEAD_DAYS = 7
    settings.REMINDER_VISIT_ESCALATE_DAYS = 14
    settings.REMINDER_MILESTONE_LEAD_DAYS = 7
    settings.REMINDER_MEETING_LEAD_DAYS = 14
    settings.REMINDER_CHANNELS = ["in_app", "email"]
    settings.REMINDER_TEST_SEND_DELAY = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def pairing_due_on(unit_a):
    """An active pairing of unit_a whose next visit falls on the given date."""

    def make(due, **kwargs):
        cadence = kwargs.pop("visit_cadence_days", 30)
        return PairingFactory(
            unit=kwargs.pop("unit", unit_a),
            started_on=due - datetime.timedelta(days=cadence),
            visit_cadence_days=cadence,
            **kwargs,
        )

    return make


@pytest.fixture
def adopted_milestone(unit_a):
    def make(due, **kwargs):
        project = ProjectFactory(status="adopted")
        AdoptionFactory(project=project, unit=kwargs.pop("unit", unit_a))
        return MilestoneFactory(project=project, due_on=due, **kwargs)

    return make


@pytest.fixture
def frozen():
    """The clock at MORNING, ticking; ``frozen.shift(seconds)`` moves it on."""
    import time_machine

    with time_machine.travel(MORNING, tick=True) as traveller:
        yield traveller


@pytest.fixture
def fake(settings):
    """The local 企业微信 robot + SMS gateway (tests/fakes.py) on a spare port, with the
    robot and SMS channels pointed at it."""
    from tests.fakes import FakeServer

    server = FakeServer().start()
    settings.WECOM_WEBHOOK_URL = f"{server.url}/cgi-bin/webhook/send"
    settings.SMS_GATEWAY_URL = f"{server.url}/sms"
    settings.SMS_TEMPLATES = {"visit_overdue": "SMS_100", "meeting": "SMS_200", "visit_due": "SMS_300"}
    settings.REMINDER_CHANNELS = ["in_app", "email", "wecom", "sms"]
    settings.REMINDER_HTTP_TIMEOUT = 2
    yield server
    server.stop()


ROBOT_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


@pytest.fixture
def robot(db):
    """The 片区 group robot of unit_a's pairings' district, told about visits."""
    from reminders.models import WeComRobot
    from tests.factories import DistrictFactory

    return WeComRobot.objects.create(
        name="城南片区联络员群", webhook_key=ROBOT_KEY, district=DistrictFactory(name="城南"),
        kinds=["visit_due", "visit_overdue"],
    )


@pytest.fixture
def start_worker(tmp_path):
    """Start real Celery workers (tests/reminders/workers.py); they are stopped after."""
    from tests.reminders.workers import worker_starter

    yield from worker_starter(tmp_path)
