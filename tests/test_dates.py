"""Dates people enter stay within sense, and the arithmetic on them cannot overflow.

A pairing started 9999-12-31 was accepted; then /my/pairings/ answered 500 and the reminder
sweep stopped for everyone. A milestone due 9999-12-31 broke the renewal confirmation.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from projects.models import JointMeeting, Milestone, Project
from tests.factories import (
    CommunityFactory,
    JointMeetingFactory,
    MemberUnitFactory,
    MilestoneFactory,
    PairingFactory,
    ProjectFactory,
    VisitFactory,
)
from units.models import MemberUnit, Pairing, PartyBranch, Visit
from core.dates import add_years

pytestmark = pytest.mark.django_db
FAR = datetime.date(9999, 12, 31)


def test_next_visit_due_never_overflows():
    assert Pairing.visit_due_on(FAR, 90) == datetime.date.max
    assert Pairing.visit_due_on(datetime.date(2026, 1, 1), 90) == datetime.date(2026, 4, 1)


def test_a_year_later_never_overflows():
    assert add_years(FAR, 1) == datetime.date.max
    assert add_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)


def test_the_pairing_form_refuses_a_start_in_9999_in_chinese(staff_client):
    community, unit = CommunityFactory(), MemberUnitFactory(category="enterprise", level="")
    data = {
        "community": community.pk, "unit": unit.pk, "partner_community": "",
        "mode": "self_initiated", "programme": "", "started_on": "9999-12-31",
        "agreement_signed_on": "1990-01-01", "visit_cadence_days": "30", "note": "",
    }
    response = staff_client.post(reverse("units:pairing-create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "1997-01-01" in " ".join(errors["started_on"])
    assert "之间的日期" in " ".join(errors["started_on"])
    assert "之间的日期" in " ".join(errors["agreement_signed_on"])
    assert not Pairing.objects.exists()


def test_the_project_form_refuses_a_milestone_in_9999_and_a_negative_budget(staff_client):
    project = ProjectFactory()
    data = {
        "title": project.title, "description": project.description,
        "category": project.category, "community": project.community_id,
        "year": project.year, "capacity": 1, "budget_estimate": "-100",
        "milestones-TOTAL_FORMS": 1, "milestones-INITIAL_FORMS": 0,
        "milestones-MIN_NUM_FORMS": 0, "milestones-MAX_NUM_FORMS": 1000,
        "milestones-0-project": project.pk, "milestones-0-title": "竣工",
        "milestones-0-due_on": "9999-12-31",
    }
    response = staff_client.post(reverse("projects:project-edit", args=[project.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "之间的日期" in page
    assert "0" in " ".join(response.context["form"].errors["budget_estimate"])
    assert not Milestone.objects.exists()
    project.refresh_from_db()
    assert project.budget_estimate is None


def test_a_year_far_ahead_is_refused_in_chinese():
    project = ProjectFactory.build(community=CommunityFactory(), year=9999)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        project.full_clean()
    assert "之间的年份" in " ".join(caught.value.message_dict["year"])


@pytest.mark.parametrize(
    "model,field,value",
    [
        (Pairing, "started_on", FAR),
        (Pairing, "ended_on", FAR),
        (Pairing, "agreement_signed_on", datetime.date(1, 1, 1)),
        (Visit, "visited_on", FAR),
        (MemberUnit, "left_on", FAR),
        (PartyBranch, "established_on", datetime.date(1900, 1, 1)),
        (JointMeeting, "held_on", FAR),
        (Milestone, "due_on", FAR),
        (Milestone, "done_on", FAR),
        (Project, "year", 9999),
        (Project, "budget_estimate", Decimal("-1")),
    ],
)
def test_the_database_refuses_what_the_forms_refuse(model, field, value):
    unit = MemberUnitFactory(is_active=False, left_on=datetime.date(2020, 1, 1))
    objects = {
        Pairing: lambda: PairingFactory(),
        Visit: lambda: VisitFactory(),
        MemberUnit: lambda: unit,
        PartyBranch: lambda: PartyBranch.objects.create(name="支部", unit=unit),
        JointMeeting: lambda: JointMeetingFactory(),
        Milestone: lambda: MilestoneFactory(),
        Project: lambda: ProjectFactory(),
    }
    obj = objects[model]()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=obj.pk).update(**{field: value})
