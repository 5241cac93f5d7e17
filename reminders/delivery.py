"""Deliver one reminder: claim it with a lease, check it still matters, send on every channel.

At-least-once and idempotent: each channel that succeeded is recorded on the row, so a retry
or a redelivered task (after a crash) only sends what is still missing. The in-app entry is
unique per reminder; an email can go twice only if the process dies between the SMTP
server's OK and the line that records it.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from projects.models import JointMeeting, Milestone
from units.models import Council, Pairing

from .channels import active_channels
from .models import Reminder
from .sweep import digest_figures, escalated_pairings

logger = logging.getLogger(__name__)
Kind = Reminder.Kind


@dataclass
class Message:
    title: str
    body: str
    link: str = ""
    subject: object = None  # what it is about (the robot channel routes by its 片区)
    date: str = ""


class Outcome:
    SENT = "sent"
    ALREADY_DONE = "already done"
    LEASED = "leased elsewhere"
    CANCELLED = "no longer due"


def still_due(reminder, subject):
    """A reminder whose subject changed since the sweep is dropped, not sent."""
    if subject is None or not reminder.recipient.is_active:
        return False
    if is_escalation_summary(reminder, subject):
        return bool(escalated_pairings(reminder.due_on))
    if reminder.kind in (Kind.MILESTONE_DUE, Kind.MILESTONE_OVERDUE):
        return subject.done_on is None and subject.due_on == reminder.due_on
    if reminder.kind in (Kind.VISIT_DUE, Kind.VISIT_OVERDUE, Kind.VISIT_ESCALATION):
        if subject.status != Pairing.Status.ACTIVE:
            return False
        return subject.next_due == reminder.due_on
    if reminder.kind == Kind.MEETING:
        return subject.held_on == reminder.due_on
    return True


def is_escalation_summary(reminder, subject):
    """The day's one escalation notice to an office worker (its subject is the worker)."""
    return reminder.kind == Kind.VISIT_ESCALATION and not isinstance(subject, Pairing)


def is_grouped(reminder, subject):
    """A single pairing's escalation: recorded, but told through the day's summary."""
    return reminder.kind == Kind.VISIT_ESCALATION and isinstance(subject, Pairing)


#: How many long-overdue pairings the summary names; the link shows them all.
ESCALATION_SUMMARY_NAMES = 10


def compose_escalation_summary(today):
    rows = escalated_pairings(today)
    pairings = Pairing.objects.select_related("community", "unit", "partner_community").in_bulk(
        [pk for pk, _due in rows[:ESCALATION_SUMMARY_NAMES]]
    )
    lines = [
        _("%(pairing)s: due %(date)s") % {"pairing": pairings[pk], "date": date_format(due, "DATE_FORMAT")}
        for pk, due in rows[:ESCALATION_SUMMARY_NAMES]
        if pk in pairings
    ]
    more = len(rows) - len(lines)
    if more > 0:
        lines.append(_("… and %(n)d more") % {"n": more})
    return Message(
        _("%(n)d pairings long overdue for a visit") % {"n": len(rows)},
        "\n".join(lines),
        reverse("reminders:pairing-health"),
    )


def _visit_form(pairing):
    return reverse("units:visit-create", args=[pairing.pk])


def compose_visit_due(subject, date):
    return Message(
        _("Visit due: %(pairing)s") % {"pairing": subject},
        _("The next visit for the pairing %(pairing)s is due on %(date)s.")
        % {"pairing": subject, "date": date},
        _visit_form(subject),
    )


def compose_visit_overdue(subject, date):
    return Message(
        _("Visit overdue: %(pairing)s") % {"pairing": subject},
        _("The visit for the pairing %(pairing)s was due on %(date)s and is not recorded yet.")
        % {"pairing": subject, "date": date},
        _visit_form(subject),
    )


def compose_visit_escalation(subject, date):
    return Message(
        _("Visit long overdue: %(pairing)s") % {"pairing": subject},
        _(
            "No visit has been recorded for the pairing %(pairing)s "
            "since it was due on %(date)s."
        )
        % {"pairing": subject, "date": date},
        reverse("units:unit-detail", args=[subject.unit_id])
        if subject.unit_id
        else reverse("units:community-detail", args=[subject.community_id]),
    )


def compose_milestone_due(subject, date):
    return Message(
        _("Milestone due: %(milestone)s") % {"milestone": subject},
        _("The milestone “%(milestone)s” of the project “%(project)s” is due on %(date)s.")
        % {"milestone": subject, "project": subject.project, "date": date},
        reverse("projects:my-project", args=[subject.project_id]),
    )


def compose_milestone_overdue(subject, date):
    return Message(
        _("Milestone overdue: %(milestone)s") % {"milestone": subject},
        _("The milestone “%(milestone)s” of the project “%(project)s” was due on %(date)s "
          "and is not done yet.")
        % {"milestone": subject, "project": subject.project, "date": date},
        reverse("projects:my-project", args=[subject.project_id]),
    )


def compose_meeting(subject, date):
    return Message(
        _("Joint meeting on %(date)s") % {"date": date},
        _("“%(meeting)s” is held on %(date)s. %(venue)s")
        % {"meeting": subject.title, "date": date, "venue": subject.venue},
        reverse("projects:project-list") + "?status=open",
    )


def compose_digest(subject, date):
    figures = digest_figures(timezone.localdate())
    return Message(
        _("Weekly digest for the week of %(date)s") % {"date": date},
        _("Pairings with an overdue visit: %(overdue_pairings)d\n"
          "Overdue project milestones: %(overdue_milestones)d\n"
          "Needs waiting for review: %(pending_needs)d") % figures,
        reverse("projects:need-inbox"),
    )


#: One compose function per reminder kind.
COMPOSERS = {
    Kind.VISIT_DUE: compose_visit_due,
    Kind.VISIT_OVERDUE: compose_visit_overdue,
    Kind.VISIT_ESCALATION: compose_visit_escalation,
    Kind.MILESTONE_DUE: compose_milestone_due,
    Kind.MILESTONE_OVERDUE: compose_milestone_overdue,
    Kind.MEETING: compose_meeting,
    Kind.DIGEST: compose_digest,
}


def compose(reminder, subject):
    if is_escalation_summary(reminder, subject):
        return compose_escalation_summary(reminder.due_on)
    return COMPOSERS[reminder.kind](subject, date_format(reminder.due_on, "DATE_FORMAT"))


_SUBJECT_QUERYSETS = {
    Pairing: lambda: Pairing.objects.select_related("community", "unit", "partner_community"),
    Milestone: lambda: Milestone.objects.select_related("project"),
    JointMeeting: lambda: JointMeeting.objects.all(),
}


def _load_subject(reminder):
    model = reminder.subject_type.model_class()
    if model is get_user_model():
        return reminder.recipient
    queryset = _SUBJECT_QUERYSETS.get(model, model._default_manager.all)()
    return queryset.filter(pk=reminder.subject_id).first()


def _council_of(reminder, subject):
    """The council a reminder is about: its subject's, or (the digest, the day's escalation
    summary: about the office worker) the recipient's."""
    if isinstance(subject, Milestone):
        return subject.project.council_id
    if isinstance(subject, (Pairing, JointMeeting)):
        return subject.council_id
    return reminder.recipient.council_id or Council.first_id()


def deliver(pk):
    """Send reminder ``pk`` once. Raises when a channel fails (the task retries it).

    The subject is found by its id in whichever council holds it; the message is then
    composed inside that council's scope."""
    with scopes_disabled():
        reminder_subject = _claimed(pk)
    if isinstance(reminder_subject, str):
        return reminder_subject
    reminder, subject = reminder_subject
    with scope(council=_council_of(reminder, subject)):
        return _deliver(reminder, subject)


def _claimed(pk):
    """(reminder, subject) once claimed, or the outcome when it cannot be."""
    if not Reminder.claim(pk):
        row = Reminder.objects.filter(pk=pk).values("sent_at", "cancelled_at").first()
        if row is None or row["sent_at"] or row["cancelled_at"]:
            return Outcome.ALREADY_DONE
        return Outcome.LEASED
    reminder = Reminder.objects.select_related("recipient", "subject_type").get(pk=pk)
    return reminder, _load_subject(reminder)


def _deliver(reminder, subject):
    pk = reminder.pk
    if not still_due(reminder, subject):
        reminder.mark_cancelled()
        return Outcome.CANCELLED
    with translation.override(settings.LANGUAGE_CODE):
        message = compose(reminder, subject)
        message.subject = subject
        message.date = date_format(reminder.due_on, "DATE_FORMAT")
        channels = [] if is_grouped(reminder, subject) else active_channels()
        # Every channel gets its turn: one that fails is recorded and retried, the others
        # are not held up by it.
        failures = []
        for channel in channels:
            if channel.name in reminder.delivered_channels:
                continue
            try:
                channel.send(reminder, message)
            except Exception as exc:
                failures.append((channel.name, exc))
                logger.warning("reminder %s: %s failed: %r", pk, channel.name, exc)
                continue
            reminder.mark_channel_delivered(channel.name)
    if failures:
        reminder.release("; ".join(f"{name}: {exc!r}" for name, exc in failures))
        raise failures[0][1]
    reminder.mark_sent()
    return Outcome.SENT
