"""One bad record is logged and skipped; the sweep still reminds everyone else."""

import datetime
import logging

import pytest

from units.models import Pairing
from reminders.models import Reminder
from reminders.sweep import sweep

pytestmark = pytest.mark.django_db
BAD_START = datetime.date(2025, 1, 3)


@pytest.fixture
def a_row_that_breaks(monkeypatch):
    """Date arithmetic that fails for one pairing, as 9999-12-31 + 90 days once did."""
    due_on = Pairing.visit_due_on

    def visit_due_on(started_on, cadence_days, last_visited_on=None):
        if started_on == BAD_START:
            raise OverflowError("date value out of range")
        return due_on(started_on, cadence_days, last_visited_on)

    monkeypatch.setattr(Pairing, "visit_due_on", staticmethod(visit_due_on))


def test_one_bad_pairing_does_not_stop_the_others(
    a_row_that_breaks, pairing_due_on, liaison, other_liaison, unit_b, today, caplog
):
    good = pairing_due_on(today)
    bad = pairing_due_on(today, unit=unit_b)
    Pairing.objects.filter(pk=bad.pk).update(started_on=BAD_START)

    with caplog.at_level(logging.ERROR, logger="reminders.sweep"):
        created, pks = sweep(today)

    assert list(Reminder.objects.values_list("recipient", "subject_id")) == [
        (liaison.pk, good.pk)
    ]
    assert created == 1 and len(pks) == 1
    assert f"skipped pairing {bad.pk}" in caplog.text
