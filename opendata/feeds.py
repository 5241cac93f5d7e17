"""iCalendar feeds (RFC 5545) built with the icalendar library.

Every event is a whole day (``VALUE=DATE``): meetings, milestones and visits are due on a
day, and a date means the same day in every calendar app. Days are counted in the town's
time zone (Asia/Shanghai), which the calendar also declares (``VTIMEZONE`` and
``X-WR-TIMEZONE``). UIDs depend only on what an event is about (``milestone-12@…``), so a
calendar that fetches the feed again updates an event instead of adding a second one.
User text goes in as TEXT values, which icalendar escapes: a title cannot start a new line
or a new component; control characters TEXT cannot hold are dropped (``core.text``).
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from icalendar import Calendar, Event, Timezone

from core.text import printable
from projects.models import JointMeeting, Milestone, Project
from units.models import Pairing

UID_DOMAIN = "xinlianxin.zhujing"
#: How far back the feeds reach: older events are history, not plans.
PAST_DAYS = 400


def uid(kind, pk):
    return f"{kind}-{pk}@{UID_DOMAIN}"


def _calendar(name):
    cal = Calendar()
    cal.add("prodid", "-//Zhujing Xin Lian Xin//zhujing//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", printable(name))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add_component(Timezone.from_tzid(settings.TIME_ZONE))
    return cal


def _event(uid_value, day, summary, description="", url=None):
    event = Event()
    event.add("uid", uid_value)
    # When the feed was made, to the second, in UTC as RFC 5545 asks.
    event.add("dtstamp", _stamp())
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", printable(summary))
    if description:
        event.add("description", printable(description))
    if url:
        event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def _stamp():
    return timezone.now().astimezone(datetime.UTC).replace(microsecond=0)


def _since():
    return timezone.localdate() - datetime.timedelta(days=PAST_DAYS)


def _meeting_events(build_url):
    for meeting in JointMeeting.objects.filter(held_on__gte=_since()).order_by("held_on", "id"):
        description = meeting.venue and _("Venue: %(venue)s") % {"venue": meeting.venue}
        yield _event(uid("meeting", meeting.pk), meeting.held_on, meeting.title, description)


def _milestone_event(milestone, build_url):
    project = milestone.project
    summary = _("%(project)s: %(milestone)s") % {
        "project": project.title,
        "milestone": milestone.title,
    }
    if milestone.done_on:
        summary = _("Done · %(summary)s") % {"summary": summary}
    return _event(
        uid("milestone", milestone.pk),
        milestone.due_on,
        summary,
        project.community.name,
        build_url(reverse("projects:project-detail", args=[project.pk])),
    )


def public_calendar(build_url, council_name):
    """A council's joint meetings and the milestones of its public projects."""
    cal = _calendar(
        _("%(council)s joint meetings and project milestones") % {"council": council_name}
    )
    for event in _meeting_events(build_url):
        cal.add_component(event)
    milestones = (
        Milestone.objects.filter(project__in=Project.objects.public(), due_on__gte=_since())
        .select_related("project__community")
        .order_by("due_on", "id")
    )
    for milestone in milestones:
        cal.add_component(_milestone_event(milestone, build_url))
    return cal.to_ical()


def unit_calendar(unit, build_url):
    """A unit's own calendar: its next visit per pairing, its open milestones and the
    meetings of every council it takes part in (read across councils on purpose: the
    pairings and milestones are the unit's own)."""
    with scopes_disabled():
        councils = list(unit.memberships.values_list("council_id", flat=True))
        calendar = _unit_calendar(unit, build_url)
    with scope(council=councils):
        for event in _meeting_events(build_url):
            calendar.add_component(event)
    return calendar.to_ical()


def _unit_calendar(unit, build_url):
    cal = _calendar(_("%(unit)s: visits, milestones and meetings") % {"unit": unit.name})
    pairings = (
        Pairing.objects.filter(unit=unit, status=Pairing.Status.ACTIVE)
        .select_related("community")
        .with_last_visit()
        .order_by("community__name", "id")
    )
    for pairing in pairings:
        cal.add_component(
            _event(
                uid("visit-due", pairing.pk),
                pairing.next_due,
                _("Visit due: %(community)s") % {"community": pairing.community.name},
                _("Every %(days)s days by the pairing's cadence.")
                % {"days": pairing.visit_cadence_days},
                build_url(reverse("units:visit-create", args=[pairing.pk])),
            )
        )
    milestones = (
        Milestone.objects.filter(
            project__adoptions__unit=unit, done_on__isnull=True, due_on__gte=_since()
        )
        .exclude(project__status__in=[Project.Status.CANCELLED, Project.Status.DRAFT])
        .select_related("project__community")
        .order_by("due_on", "id")
        .distinct()
    )
    for milestone in milestones:
        cal.add_component(_milestone_event(milestone, build_url))
    return cal
