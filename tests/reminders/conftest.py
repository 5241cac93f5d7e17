import datetime

import pytest

from tests.factories import (
    AdoptionFactory,
    MilestoneFactory,
    PairingFactory,
    ProjectFactory,
)

TODAY = datetime.date(2026, 6, 10)


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
