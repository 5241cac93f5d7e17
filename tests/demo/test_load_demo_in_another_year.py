"""The demo follows the calendar: loaded in another year, that year's meeting is open.

Kept apart from tests/demo/test_load_demo.py, whose tests share one load of the demo."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from projects.models import JointMeeting, Project

pytestmark = pytest.mark.django_db


def test_it_keeps_the_open_meeting_and_open_projects_in_the_current_year():
    moment = datetime.datetime(2031, 3, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        call_command("load_demo", stdout=io.StringIO())
    year = moment.year
    open_meeting = JointMeeting.objects.get(adoption_open=True)
    assert open_meeting.held_on.year == year
    open_years = set(Project.objects.filter(status="open").values_list("year", flat=True))
    assert open_years == {year}
    assert JointMeeting.objects.filter(held_on=datetime.date(2017, 11, 28)).exists()
