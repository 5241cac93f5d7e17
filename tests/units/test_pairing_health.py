"""结对活跃度: a pairing's health at the exact day edges, and the reminders agreeing with it."""

import datetime

import pytest
import time_machine

from tests.factories import PairingFactory, VisitFactory
from units.models import Pairing
from reminders.models import Reminder
from reminders.sweep import due_reminders

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 10)
D = datetime.timedelta
Health = Pairing.Health


@pytest.fixture(autouse=True)
def frozen(settings):
    settings.REMINDER_VISIT_LEAD_DAYS = 7
    # 23:30 in Shanghai is still the 10th there, while UTC is on the 10th too.
    with time_machine.travel(datetime.datetime(2026, 6, 10, 15, 30), tick=False):
        yield


def visited(days_until_due, cadence=30, **kwargs):
    """A pairing whose last visit makes the next one due ``days_until_due`` from today."""
    pairing = PairingFactory(visit_cadence_days=cadence, started_on=datetime.date(2020, 1, 1), **kwargs)
    VisitFactory(pairing=pairing, visited_on=TODAY + D(days_until_due) - D(cadence))
    return pairing


@pytest.mark.parametrize(
    "days_until_due, health",
    [
        (8, Health.OK),  # one day beyond the lead
        (7, Health.DUE),  # the lead's last day
        (0, Health.DUE),  # due today
        (-1, Health.OVERDUE),  # due yesterday
    ],
)
def test_it_is_ok_due_or_overdue_at_the_exact_day_edges(days_until_due, health):
    pairing = visited(days_until_due)
    assert pairing.health == health
    annotated = Pairing.objects.with_last_visit().get(pk=pairing.pk)
    assert annotated.health == health


def test_it_is_never_when_no_visit_has_been_recorded_whatever_the_dates():
    fresh = PairingFactory(started_on=TODAY, visit_cadence_days=30)
    stale = PairingFactory(started_on=TODAY - D(400), visit_cadence_days=30)
    assert fresh.health == Health.NEVER
    assert stale.health == Health.NEVER
    assert stale.visit_standing == Health.OVERDUE


def test_it_follows_the_lead_days_setting(settings):
    pairing = visited(10)
    assert pairing.health == Health.OK
    settings.REMINDER_VISIT_LEAD_DAYS = 10
    assert Pairing.objects.get(pk=pairing.pk).health == Health.DUE


def test_it_labels_each_health_in_chinese():
    assert [label for _, label in Health.choices] == ["正常", "即将到期", "逾期", "未走访"]
    assert visited(-1).get_health_display() == "逾期"


def test_the_annotation_reads_the_latest_visit_in_one_query(django_assert_num_queries):
    pairing = visited(3)
    VisitFactory(pairing=pairing, visited_on=TODAY - D(100))
    with django_assert_num_queries(1):
        row = Pairing.objects.with_last_visit().get(pk=pairing.pk)
        assert row.health == Health.DUE
        assert row.next_due == TODAY + D(3)


@pytest.mark.parametrize("days_until_due", [8, 7, 0, -1])
def test_the_visit_reminders_come_from_the_same_rule(days_until_due, liaison):
    pairing = visited(days_until_due, unit=liaison.unit)
    kinds = {kind for _, kind, _, subject, _ in due_reminders(TODAY) if subject == pairing.pk}
    expected = {
        Health.OK: set(),
        Health.DUE: {Reminder.Kind.VISIT_DUE},
        Health.OVERDUE: {Reminder.Kind.VISIT_OVERDUE},
    }[pairing.health]
    assert kinds == expected
