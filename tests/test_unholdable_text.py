"""Characters XLSX, XML, PDF or iCalendar cannot hold never break an export, and forms
refuse them on the way in.

Found from outside: a ``\\x0b`` in a commitment, a need's text (it reaches a project title
through a match), a unit name or an assessment remark made the meeting, registry and
assessment exports answer 500 until the office found the row.
"""

import io
import json

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from core.text import printable
from projects.actions import open_project_from_match
from projects.models import Match, Project
from records.models import AnnualAssessment
from tests.factories import (
    JointMeetingFactory,
    MatchFactory,
    MemberUnitFactory,
    MilestoneFactory,
    NeedFactory,
    ResourceFactory,
)

pytestmark = pytest.mark.django_db

#: What a form would refuse, as it reaches the database by an import, the admin or an
#: older version of the app.
UNHOLDABLE = "\x0b\x0c\x1b\x00\ud800"
STORED = "\x0b\x0c\x1b"  # PostgreSQL refuses NUL and lone surrogates itself


def _cells(response):
    book = load_workbook(io.BytesIO(b"".join(response)))
    return [cell.value for sheet in book for row in sheet.iter_rows() for cell in row]


def test_it_keeps_tabs_and_newlines_and_drops_what_cannot_be_held():
    assert printable(f"甲{UNHOLDABLE}乙\t丙\r\n丁") == "甲乙\t丙\r\n丁"
    assert printable(None) is None
    assert printable(12) == 12


@pytest.fixture
def meeting_with_hostile_text(staff):
    meeting = JointMeetingFactory(held_on="2026-11-28")
    unit = MemberUnitFactory(name=f"坏{STORED}单位")
    need = NeedFactory(text="修路\x1b\x07灯")  # \x0b, \x0c would end the title's line
    resource = ResourceFactory(unit=unit, title=f"志愿{STORED}服务")
    match = MatchFactory(need=need, resource=resource, status=Match.Status.ACCEPTED)
    project = open_project_from_match(match, by=staff, adopt_now=True, meeting=meeting)
    assert "\x1b" in project.title and STORED in project.adoptions.get().commitment
    return meeting, unit, project


def test_it_exports_a_meeting_whose_rows_hold_control_characters(staff_client, meeting_with_hostile_text):
    meeting, _unit, _project = meeting_with_hostile_text
    response = staff_client.get(reverse("projects:meeting-export", args=[meeting.pk]))
    assert response.status_code == 200
    cells = _cells(response)
    assert "坏单位" in cells and "修路灯" in cells and "志愿服务" in cells


@pytest.mark.parametrize("kind", ["registry", "units"])
def test_it_exports_the_registry_with_a_control_character_in_a_unit_name(staff_client, kind):
    MemberUnitFactory(name=f"坏{STORED}单位", party_org_name=f"坏{STORED}支部")
    response = staff_client.get(reverse("units:registry-export", args=[kind, "xlsx"]))
    assert response.status_code == 200
    assert "坏单位" in _cells(response)


def test_it_exports_the_registry_as_csv_without_control_characters(staff_client):
    MemberUnitFactory(name=f"坏{STORED}单位")
    response = staff_client.get(reverse("units:registry-export", args=["units", "csv"]))
    text = response.content.decode()
    assert "坏单位" in text and "\x0b" not in text and "\x1b" not in text


def test_it_exports_the_assessment_with_a_control_character_in_a_remark(staff_client):
    unit = MemberUnitFactory(name=f"坏{STORED}单位")
    AnnualAssessment.objects.create(unit=unit, year=2026, remark=f"很好{STORED}继续")
    response = staff_client.get(reverse("records:assessment-export", args=[2026]))
    assert response.status_code == 200
    cells = _cells(response)
    assert "很好继续" in cells and "坏单位" in cells


def test_it_writes_open_data_without_control_characters(anon, meeting_with_hostile_text):
    _meeting, _unit, project = meeting_with_hostile_text
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ADOPTED)
    response = anon.get(reverse("opendata:projects-csv"))
    csv_text = b"".join(response.streaming_content).decode()
    assert "修路灯" in csv_text and "\x0b" not in csv_text
    body = anon.get(reverse("opendata:projects-json")).content.decode()
    assert "修路灯" in json.loads(body)["projects"][0]["title"]
    assert "\\u000b" not in body and "\\u001b" not in body


def test_it_writes_a_calendar_without_control_characters(anon, meeting_with_hostile_text):
    _meeting, _unit, project = meeting_with_hostile_text
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ADOPTED)
    MilestoneFactory(project=project, title=f"开工{STORED}了")
    body = anon.get(reverse("opendata:public-calendar")).content
    assert b"\x0b" not in body and b"\x1b" not in body and b"\x0c" not in body
    summaries = [str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT")]
    assert any("开工了" in s and "修路灯" in s for s in summaries)


def test_it_prints_a_unit_record_with_control_characters(staff_client, meeting_with_hostile_text):
    _meeting, unit, project = meeting_with_hostile_text
    AnnualAssessment.objects.create(unit=unit, year=project.year, remark=f"很好{STORED}继续")
    response = staff_client.get(reverse("records:unit-record-pdf", args=[unit.pk, project.year]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


# --- On the way in: the forms say so, in Chinese -------------------------------------------

REFUSED = "控制字符"


def test_it_refuses_a_control_character_in_a_needs_text(anon):
    from django.core.cache import cache

    from projects.models import Need
    from tests.factories import CommunityFactory

    cache.clear()  # the need form's rate limit
    community = CommunityFactory()
    data = {"community": community.pk, "category": "construction", "website": "",
            "text": "爱五路没有路灯\x0b，晚上出行不便。"}  # fmt: skip
    response = anon.post(reverse("projects:need-create"), data)
    assert REFUSED in response.content.decode()
    assert not Need.objects.exists()


def test_it_refuses_a_control_character_in_a_unit_name(staff_client):
    from units.models import MemberUnit

    data = {"name": "示例\x1b机关", "category": "organ", "level": "district",
            "party_org_name": "示例机关党委", "joined_year": "2005"}  # fmt: skip
    response = staff_client.post(reverse("units:unit-create"), data)
    assert response.status_code == 200
    assert REFUSED in str(response.context["form"].errors["name"])
    assert not MemberUnit.objects.filter(name__startswith="示例").exists()


def test_it_refuses_a_control_character_in_an_assessment_remark(staff_client, unit_a):
    url = reverse("records:assessment-rate", args=[2026, unit_a.pk])
    response = staff_client.post(url, {"rating": "good", "remark": "很好\x0c继续"})
    assert response.status_code == 200
    assert REFUSED in str(response.context["form"].errors["remark"])
    assert not AnnualAssessment.objects.exists()


def test_it_refuses_a_control_character_in_a_commitment(liaison_client, liaison):
    from projects.models import Adoption
    from tests.factories import ProjectFactory

    JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(status=Project.Status.OPEN, capacity=1)
    response = liaison_client.post(
        reverse("projects:project-adopt", args=[project.pk]), {"commitment": "出资\x0b五万"}
    )
    assert REFUSED in response.content.decode()
    assert not Adoption.objects.exists()
