import datetime

import pytest

from reminders.outbox import quiet_until

SH = datetime.timezone(datetime.timedelta(hours=8))


def at(day, hour, minute=0):
    return datetime.datetime(2026, 6, day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize("now,until", [
    (at(10, 20, 59), None),
    (at(10, 21, 0), at(11, 8)),
    (at(10, 23, 59), at(11, 8)),
    (at(11, 0, 0), at(11, 8)),
    (at(11, 7, 59), at(11, 8)),
    (at(11, 8, 0), None),
    (at(11, 12, 0), None),
])
def test_it_holds_from_21_to_8_shanghai_time(now, until):
    assert quiet_until(now) == until


def test_it_reads_shanghai_time_from_a_utc_clock():
    assert quiet_until(datetime.datetime(2026, 6, 10, 13, 0, tzinfo=datetime.UTC)) == at(11, 8)
    assert quiet_until(datetime.datetime(2026, 6, 10, 12, 59, tzinfo=datetime.UTC)) is None


def test_the_same_hour_twice_turns_quiet_hours_off(settings):
    settings.REMINDER_QUIET_HOURS = (0, 0)
    assert quiet_until(at(10, 23)) is None
