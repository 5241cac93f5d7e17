"""The reminder sweep: find what is due, create the reminder rows, hand back what to deliver.

Set-based on purpose: a fixed number of queries however many pairings and milestones there
are: the last visit is a subquery, the new rows go in as one ``bulk_create`` with
``ignore_conflicts`` (``INSERT ... ON CONFLICT DO NOTHING``) and the unsent rows are marked
in bulk, their ids returned for the task to enqueue. No far-future ETAs: the beat runs the sweep every ``REMINDER_SWEEP_SECONDS`` and it
reads the database afresh.

Incremental: the rows found due are fingerprinted, and a sweep that finds the same rows as
the last one (``SweepState``) sends no INSERT; with nothing to enqueue it sends no UPDATE
either. A quiet network costs a few SELECTs every 30 seconds, no writes.
"""

import datetime
import hashlib
import json
import logging
import uuid
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scope

from projects.models import JointMeeting, Milestone, Need, Project
from units.models import Council, Membership, Pairing

from .models import Reminder, SweepState

logger = logging.getLogger(__name__)

Kind = Reminder.Kind
#: A pairing's standing (the same rule as its health) names the visit reminder it gets.
VISIT_KIND = {Pairing.Health.DUE: Kind.VISIT_DUE, Pairing.Health.OVERDUE: Kind.VISIT_OVERDUE}


def _days(n):
    return datetime.timedelta(days=n)


def _isolated(rows, what, work):
    """``work(row)`` for each row; a row that raises is logged and skipped.

    One bad record (a date past the calendar's end, a value nobody foresaw) must never stop
    the reminders of everyone else. ``row[0]`` is the record's id, for the log.
    """
    for row in rows:
        try:
            results = list(work(row))
        except Exception:
            logger.exception("reminder sweep: skipped %s %s", what, row[0])
            continue
        yield from results


def pairings_with_next_visit(today=None):
    """Current pairings of active units as (pairing id, unit id, next visit due), one query."""
    rows = (
        Pairing.objects.current(today)
        .filter(unit__isnull=False, unit__is_active=True)
        .with_last_visit()
        .order_by()
        .values_list("pk", "unit_id", "started_on", "visit_cadence_days", "last_visited_on")
    )

    def due(row):
        pk, unit_id, started_on, cadence, last = row
        yield pk, unit_id, Pairing.visit_due_on(started_on, cadence, last)

    yield from _isolated(rows.iterator(chunk_size=5000), "pairing", due)


def open_milestones_due_by(day):
    """(milestone id, due on, adopting unit id) for milestones not done, due by ``day``."""
    return (
        Milestone.objects.filter(
            done_on=None,
            due_on__lte=day,
            project__adoptions__unit__is_active=True,
        )
        .exclude(project__status__in=[Project.Status.CANCELLED, Project.Status.COMPLETED])
        .order_by()
        .values_list("pk", "due_on", "project__adoptions__unit_id")
    )


def is_escalated(due, today):
    """Overdue by the grace period or more: the office is told."""
    return (today - due).days >= settings.REMINDER_VISIT_ESCALATE_DAYS


def escalated_pairings(today):
    """The pairings long overdue today, as (pairing id, due date), worst first."""
    rows = [(pk, due) for pk, _unit, due in pairings_with_next_visit(today) if is_escalated(due, today)]
    return sorted(rows, key=lambda row: row[1])


def _liaisons_by_unit():
    User = get_user_model()
    by_unit = defaultdict(list)
    rows = User.objects.filter(is_active=True, unit__is_active=True).values_list("pk", "unit_id")
    for pk, unit_id in rows:
        by_unit[unit_id].append(pk)
    return by_unit


def _office_staff(council_id):
    """The active office staff of one council (district staff get no council's reminders)."""
    User = get_user_model()
    staff = User.objects.filter(is_active=True, is_staff=True, council_id=council_id)
    return list(staff.values_list("pk", flat=True))


def councils():
    """Every council's id: the sweep and the digest run once per council, in its scope."""
    return list(Council.objects.values_list("pk", flat=True))


def due_reminders(today):
    """Every reminder that should exist today, as (recipient, kind, content type, id, due):
    each council's, read inside that council's scope."""
    User = get_user_model()
    ct = ContentType.objects.get_for_models(Pairing, Milestone, JointMeeting, User)
    liaisons = _liaisons_by_unit()
    for council_id in councils():
        with scope(council=council_id):
            rows = list(_due_in_council(today, council_id, ct, liaisons))
        yield from rows


def _due_in_council(today, council_id, ct, liaisons):
    User = get_user_model()
    pairing_ct, milestone_ct, meeting_ct = ct[Pairing].pk, ct[Milestone].pk, ct[JointMeeting].pk
    staff = _office_staff(council_id)

    escalated = []

    def visit_reminders(row):
        pairing_id, unit_id, due = row
        standing = Pairing.standing(due, today)
        if standing == Pairing.Health.OK:
            return
        kind = VISIT_KIND[standing]
        for user_id in liaisons.get(unit_id, ()):
            yield user_id, kind, pairing_ct, pairing_id, due
        if is_escalated(due, today):
            escalated.append(pairing_id)
            # Recorded per pairing (the health page shows when each was escalated) but
            # delivered as one summary a day: see ESCALATION_SUMMARY below.
            for user_id in staff:
                yield user_id, Kind.VISIT_ESCALATION, pairing_ct, pairing_id, due

    yield from _isolated(pairings_with_next_visit(today), "pairing", visit_reminders)
    if escalated:
        # One escalation notice per office worker per day, about the recipient itself,
        # listing every long-overdue pairing: sixty pairings make one inbox entry, not sixty.
        for user_id in staff:
            yield user_id, Kind.VISIT_ESCALATION, ct[User].pk, user_id, today

    def milestone_reminders(row):
        milestone_id, due, unit_id = row
        kind = Kind.MILESTONE_DUE if due >= today else Kind.MILESTONE_OVERDUE
        for user_id in liaisons.get(unit_id, ()):
            yield user_id, kind, milestone_ct, milestone_id, due

    horizon = today + _days(settings.REMINDER_MILESTONE_LEAD_DAYS)
    yield from _isolated(open_milestones_due_by(horizon), "milestone", milestone_reminders)

    meetings = JointMeeting.objects.filter(
        held_on__gte=today, held_on__lte=today + _days(settings.REMINDER_MEETING_LEAD_DAYS)
    ).values_list("pk", "held_on")
    # The council's own member units' liaisons (a unit takes part through a membership).
    members = Membership.objects.filter(is_active=True).values_list("unit_id", flat=True)
    everyone = [pk for unit_id in members for pk in liaisons.get(unit_id, ())]
    for meeting_id, held_on in meetings:
        for user_id in everyone:
            yield user_id, Kind.MEETING, meeting_ct, meeting_id, held_on


def _rows(keys):
    """The reminder keys in one canonical form: sorted, each once, dates as ISO strings."""
    return sorted({(u, str(k), c, o, d.isoformat()) for u, k, c, o, d in keys})


def _create(keys):
    """Insert the reminder rows that don't exist yet (``keys`` as ``due_reminders`` yields)."""
    return _insert(_rows(keys))


def _insert(rows):
    """Insert the reminder rows that don't exist yet; returns how many were missing.

    One ``bulk_create`` whatever their number (PostgreSQL takes them in one INSERT), its
    ``ON CONFLICT DO NOTHING`` skipping the rows the unique constraint already holds. The
    new rows carry this call's own batch id (``claim_unsent`` stamps its own over it), so
    one count finds the ones that went in; unsent rows are few and indexed.
    """
    if not rows:
        return 0
    now = timezone.now()
    batch = uuid.uuid4()
    Reminder.objects.bulk_create(
        [
            Reminder(
                recipient_id=u,
                kind=k,
                subject_type_id=c,
                subject_id=o,
                due_on=datetime.date.fromisoformat(d),
                created_at=now,
                enqueue_batch=batch,
            )
            for u, k, c, o, d in rows
        ],
        ignore_conflicts=True,
    )
    return Reminder.objects.filter(sent_at=None, cancelled_at=None, enqueue_batch=batch).count()


def claim_unsent(now=None):
    """Mark every unsent, unleased reminder as enqueued and return their ids to enqueue.

    A row already enqueued is enqueued again when its message may be lost: a row never
    tried after ``REMINDER_REQUEUE_SECONDS`` (90: a broker that lost its queue, so it is
    delivered within about two minutes of the broker returning, with the requeue task every
    ``REMINDER_REQUEUE_CHECK_SECONDS``), a row tried before after
    ``REMINDER_RETRY_REQUEUE_SECONDS`` (its retries wait in the worker with backoff), and a
    row whose lease ran out unreleased (a worker killed mid-send) as soon as it did. A
    message that was not lost after all finds the row sent: delivery stays exactly once.
    """
    now = now or timezone.now()
    fresh = now - datetime.timedelta(seconds=settings.REMINDER_REQUEUE_SECONDS)
    tried = now - datetime.timedelta(seconds=settings.REMINDER_RETRY_REQUEUE_SECONDS)
    pending = (
        Reminder.objects.filter(sent_at=None, cancelled_at=None)
        .filter(Q(lease_until=None) | Q(lease_until__lt=now))
        .filter(
            Q(enqueued_at=None)
            | Q(attempts=0, enqueued_at__lt=fresh)
            | Q(enqueued_at__lt=tried)
            # A lease that ran out with the row neither sent nor released: its worker died
            # mid-send. Enqueued again at once (not after the retry wait), once per lease.
            | Q(lease_until__lt=now, enqueued_at__lt=F("lease_until"))
        )
    )
    # Nothing waiting (the usual case): no UPDATE at all.
    if not pending.exists():
        return []
    # Stamp with a fresh batch id, then read back by it: two set-based queries, no id lists.
    batch = uuid.uuid4()
    pending.update(enqueued_at=now, enqueue_batch=batch)
    return list(Reminder.objects.filter(enqueue_batch=batch).values_list("pk", flat=True))


#: The ``SweepState`` row of the daily sweep.
SWEEP_STATE = "due"


def sweep(today=None):
    """Create today's reminders and mark every unsent one enqueued.

    Returns (number created, ids to deliver); the task enqueues the ids (``tasks.py``), so
    this module never imports the tasks.
    """
    today = today or timezone.localdate()
    rows = _rows(due_reminders(today))
    fingerprint = hashlib.sha256(json.dumps(rows).encode()).hexdigest()
    with transaction.atomic():
        if SweepState.objects.filter(name=SWEEP_STATE, fingerprint=fingerprint).exists():
            created = 0
        else:
            created = _insert(rows)
            SweepState.objects.bulk_create(  # one upsert, safe for two sweeps at once
                [SweepState(name=SWEEP_STATE, fingerprint=fingerprint)],
                update_conflicts=True,
                unique_fields=["name"],
                update_fields=["fingerprint", "updated_at"],
            )
        pks = claim_unsent()
    logger.info("reminder sweep: %d created, %d to deliver", created, len(pks))
    return created, pks


# --- weekly digest for office staff ----------------------------------------------------


def digest_figures(today):
    overdue_pairings = sum(
        1 for _, _, due in pairings_with_next_visit(today)
        if Pairing.standing(due, today) == Pairing.Health.OVERDUE
    )
    overdue_milestones = (
        Milestone.objects.filter(done_on=None, due_on__lt=today)
        .exclude(project__status__in=[Project.Status.CANCELLED, Project.Status.COMPLETED])
        .count()
    )
    pending_needs = Need.objects.filter(status=Need.Status.PENDING).count()
    return {
        "overdue_pairings": overdue_pairings,
        "overdue_milestones": overdue_milestones,
        "pending_needs": pending_needs,
    }


def create_weekly_digest(today=None):
    """One digest reminder per office staff member per week (keyed on the week's Monday)."""
    today = today or timezone.localdate()
    monday = today - _days(today.weekday())
    User = get_user_model()
    user_ct = ContentType.objects.get_for_model(User).pk
    staff = [pk for council_id in councils() for pk in _office_staff(council_id)]
    with transaction.atomic():
        created = _create((pk, Kind.DIGEST, user_ct, pk, monday) for pk in staff)
        pks = claim_unsent()
    return created, pks

