"""Calendar feeds: valid iCalendar, stable UIDs, whole days in Shanghai; private per liaison."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from projects.models import Project
from tests.factories import (
    AdoptionFactory,
    JointMeetingFactory,
    MilestoneFactory,
    PairingFactory,
    ProjectFactory,
    VisitFactory,
)
from opendata.models import CalendarFeed

pytestmark = pytest.mark.django_db


def _parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(cal):
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


@pytest.fixture
def agenda(unit_a, unit_b):
    pairing = PairingFactory(unit=unit_a, started_on=datetime.date(2026, 9, 1), visit_cadence_days=91)
    other = PairingFactory(unit=unit_b, community=pairing.community)
    meeting = JointMeetingFactory(title="2026年联席会议", held_on=datetime.date(2026, 12, 18))
    project = ProjectFactory(community=pairing.community, status=Project.Status.IN_PROGRESS)
    AdoptionFactory(project=project, unit=unit_a, meeting=meeting)
    milestone = MilestoneFactory(project=project, title="完成安装", due_on=datetime.date(2026, 12, 20))
    draft = ProjectFactory(community=pairing.community, status=Project.Status.DRAFT)
    hidden = MilestoneFactory(project=draft, title="草稿节点")
    return locals()


@time_machine.travel("2026-11-30 10:00 +0800", tick=False)
def test_the_public_calendar_has_meetings_and_public_milestones(anon, agenda):
    cal = _parse(anon.get(reverse("opendata:public-calendar")))
    assert cal["VERSION"] == "2.0" and cal["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    events = _events(cal)
    meeting = events[f"meeting-{agenda['meeting'].pk}@xinlianxin.zhujing"]
    assert meeting["SUMMARY"] == "2026年联席会议"
    assert meeting.decoded("DTSTART") == datetime.date(2026, 12, 18)  # a whole day
    milestone = events[f"milestone-{agenda['milestone'].pk}@xinlianxin.zhujing"]
    assert milestone.decoded("DTSTART") == datetime.date(2026, 12, 20)
    assert "完成安装" in str(milestone["SUMMARY"])
    assert f"milestone-{agenda['hidden'].pk}@xinlianxin.zhujing" not in events


def test_uids_are_stable_across_two_generations(anon, agenda):
    first = _events(_parse(anon.get(reverse("opendata:public-calendar"))))
    with time_machine.travel(datetime.timedelta(hours=3)):
        second = _events(_parse(anon.get(reverse("opendata:public-calendar"))))
    assert sorted(first) == sorted(second) and len(first) == 2
    for uid, event in first.items():
        assert event["SUMMARY"] == second[uid]["SUMMARY"]
        assert event.decoded("DTSTART") == second[uid].decoded("DTSTART")


def test_a_title_cannot_break_out_of_its_event(anon, agenda):
    agenda["milestone"].title = "安装\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:假会议"
    agenda["milestone"].save()
    events = _events(_parse(anon.get(reverse("opendata:public-calendar"))))
    assert "evil" not in events and len(events) == 2


def test_the_feed_counts_days_in_shanghai_and_stamps_in_utc(anon, agenda):
    # 20:00 UTC on 30 November is already 1 December in Zhujing: the feed reaches back
    # 400 days from 1 December, so a meeting on 26 October 2025 is just out of it.
    old = JointMeetingFactory(title="旧会议", held_on=datetime.date(2025, 10, 26))
    edge = JointMeetingFactory(title="边界会议", held_on=datetime.date(2025, 10, 27))
    with time_machine.travel("2026-11-30 20:00 +0000", tick=False):
        events = _events(_parse(anon.get(reverse("opendata:public-calendar"))))
    assert f"meeting-{old.pk}@xinlianxin.zhujing" not in events
    event = events[f"meeting-{edge.pk}@xinlianxin.zhujing"]
    assert event.decoded("DTSTAMP") == datetime.datetime(2026, 11, 30, 20, tzinfo=datetime.UTC)


def _feed_url(client):
    response = client.get(reverse("opendata:my-calendar"))
    assert response.status_code == 200
    return response.context["feed_url"]


def test_a_liaison_gets_their_units_visits_milestones_and_meetings(
    liaison_client, anon, agenda
):
    VisitFactory(pairing=agenda["pairing"], visited_on=datetime.date(2026, 10, 1))
    url = _feed_url(liaison_client)
    events = _events(_parse(anon.get(url)))
    visit = events[f"visit-due-{agenda['pairing'].pk}@xinlianxin.zhujing"]
    assert visit.decoded("DTSTART") == datetime.date(2026, 12, 31)  # 1 Oct + 91 days
    assert f"visit-due-{agenda['other'].pk}@xinlianxin.zhujing" not in events  # carol's unit
    assert f"milestone-{agenda['milestone'].pk}@xinlianxin.zhujing" in events
    assert f"meeting-{agenda['meeting'].pk}@xinlianxin.zhujing" in events


def test_resetting_the_address_stops_the_old_one(liaison_client, anon, agenda):
    old = _feed_url(liaison_client)
    response = liaison_client.post(reverse("opendata:my-calendar-reset"))
    assert response.status_code == 302
    new = _feed_url(liaison_client)
    assert new != old
    assert anon.get(old).status_code == 404
    assert anon.get(new).status_code == 200


def test_deactivating_the_account_revokes_the_feed_for_good(
    liaison_client, staff_client, anon, liaison, agenda
):
    url = _feed_url(liaison_client)
    staff_client.post(reverse("accounts:user-deactivate", args=[liaison.pk]))
    assert anon.get(url).status_code == 404
    assert CalendarFeed.objects.get(user=liaison).is_revoked
    staff_client.post(reverse("accounts:user-reactivate", args=[liaison.pk]))
    assert anon.get(url).status_code == 404  # coming back does not revive the old address


def test_an_unknown_token_is_not_found(anon, agenda):
    url = reverse("opendata:private-calendar", args=["not-a-token"])
    assert anon.get(url).status_code == 404


def test_staff_have_no_feed_page(staff_client):
    assert staff_client.get(reverse("opendata:my-calendar")).status_code == 403


def test_staff_can_revoke_a_feed_in_the_admin_without_seeing_its_secret(
    liaison_client, staff, anon, liaison, agenda
):
    from django.test import Client

    staff.is_superuser = True
    staff.save()
    admin = Client()
    admin.force_login(staff)
    url = _feed_url(liaison_client)
    feed = CalendarFeed.objects.get(user=liaison)
    page = admin.get(reverse("admin:opendata_calendarfeed_change", args=[feed.pk]))
    assert page.status_code == 200 and feed.token not in page.content.decode()
    admin.post(
        reverse("admin:opendata_calendarfeed_changelist"),
        {"action": "revoke", "_selected_action": [feed.pk]},
    )
    assert anon.get(url).status_code == 404
