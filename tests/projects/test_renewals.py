import datetime

import pytest
from django.urls import reverse

from projects import actions
from projects.models import Adoption, Project, RenewalProposal
from units.models import Council
from tests.factories import (
    AdoptionFactory,
    CommunityFactory,
    DistrictFactory,
    JointMeetingFactory,
    MemberUnitFactory,
    MilestoneFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year(unit_a, unit_b):
    meeting = JointMeetingFactory(held_on=datetime.date(2025, 11, 28), adoption_open=False)
    lecture = ProjectFactory(
        title="法治大讲堂", year=2025, status=Project.Status.COMPLETED, adopted_count=1
    )
    lights = ProjectFactory(
        title="爱五路亮灯工程", year=2025, status=Project.Status.IN_PROGRESS, adopted_count=1
    )
    cancelled = ProjectFactory(title="取消的项目", year=2025, status=Project.Status.CANCELLED)
    return {
        "meeting": meeting,
        "a_lecture": AdoptionFactory(meeting=meeting, project=lecture, unit=unit_a),
        "b_lights": AdoptionFactory(meeting=meeting, project=lights, unit=unit_b),
        "cancelled": AdoptionFactory(meeting=meeting, project=cancelled, unit=unit_a),
    }


@pytest.fixture
def this_year():
    return JointMeetingFactory(held_on=datetime.date(2026, 11, 28), adoption_open=False)


def test_it_proposes_last_years_adoptions_once(last_year, this_year, staff_client):
    url = reverse("projects:meeting-rollover", args=[this_year.pk])
    assert staff_client.post(url).status_code == 302
    assert staff_client.post(url).status_code == 302

    proposals = RenewalProposal.objects.filter(meeting=this_year)
    assert proposals.count() == 2
    assert {p.previous_adoption_id for p in proposals} == {
        last_year["a_lecture"].pk,
        last_year["b_lights"].pk,
    }
    assert actions.rollover(this_year) == 0


def test_it_renews_from_its_own_councils_last_meeting(last_year, this_year, unit_a):
    other = Council.objects.create(name="枫泾镇", slug="fengjing")
    theirs = JointMeetingFactory(
        council=other, held_on=datetime.date(2026, 3, 18), adoption_open=False
    )
    AdoptionFactory(
        meeting=theirs,
        unit=unit_a,
        project=ProjectFactory(
            community=CommunityFactory(district=DistrictFactory(name="枫泾镇区片", council=other)),
            year=2026,
            status=Project.Status.COMPLETED,
            adopted_count=1,
        ),
    )

    assert actions.previous_meeting(this_year) == last_year["meeting"]
    actions.rollover(this_year)
    assert {p.previous_adoption.meeting for p in RenewalProposal.objects.all()} == {
        last_year["meeting"]
    }


def test_it_skips_units_that_left(last_year, this_year, unit_b):
    unit_b.deactivate()
    actions.rollover(this_year)
    assert list(RenewalProposal.objects.values_list("unit", flat=True)) == [
        last_year["a_lecture"].unit_id
    ]


def test_it_renews_into_a_new_project_when_the_liaison_confirms(
    last_year, this_year, liaison_client, unit_a
):
    MilestoneFactory(
        project=last_year["a_lecture"].project,
        title="开讲第一课",
        due_on=datetime.date(2025, 3, 1),
        done_on=datetime.date(2025, 2, 27),
    )
    actions.rollover(this_year)
    proposal = RenewalProposal.objects.get(unit=unit_a)

    page = liaison_client.get(reverse("projects:my-renewals")).content.decode()
    assert "法治大讲堂" in page
    assert "爱五路亮灯工程" not in page  # the other unit's

    response = liaison_client.post(
        reverse("projects:renewal-confirm", args=[proposal.pk]), {"commitment": "继续开讲"}
    )
    assert response.status_code == 302

    proposal.refresh_from_db()
    assert proposal.status == RenewalProposal.Status.CONFIRMED
    adoption = proposal.adoption
    assert adoption.kind == Adoption.Kind.RENEWAL
    assert adoption.renewal_of == last_year["a_lecture"]
    assert adoption.meeting == this_year
    assert adoption.commitment == "继续开讲"
    new = adoption.project
    assert new.previous == last_year["a_lecture"].project
    assert new.year == 2026
    assert new.title == "法治大讲堂"
    assert new.status == Project.Status.ADOPTED
    assert new.adopted_count == 1
    assert list(new.milestones.values_list("title", "due_on", "done_on")) == [
        ("开讲第一课", datetime.date(2026, 3, 1), None)
    ]

    # Confirming twice changes nothing.
    liaison_client.post(reverse("projects:renewal-confirm", args=[proposal.pk]))
    assert Project.objects.filter(previous=last_year["a_lecture"].project).count() == 1
    assert Adoption.objects.filter(kind=Adoption.Kind.RENEWAL).count() == 1


def test_it_shares_one_renewed_project_between_its_adopters(this_year):
    last = JointMeetingFactory(held_on=datetime.date(2025, 11, 28))
    shared = ProjectFactory(year=2025, capacity=2, adopted_count=2, status=Project.Status.ADOPTED)
    units = [MemberUnitFactory(), MemberUnitFactory()]
    for unit in units:
        AdoptionFactory(meeting=last, project=shared, unit=unit)
    actions.rollover(this_year)

    for proposal in RenewalProposal.objects.all():
        actions.confirm_renewal(proposal, by=None)

    new = Project.objects.get(previous=shared)
    assert new.adopted_count == 2
    assert new.status == Project.Status.ADOPTED


def test_it_records_a_drop(last_year, this_year, liaison_client, unit_a):
    actions.rollover(this_year)
    proposal = RenewalProposal.objects.get(unit=unit_a)

    liaison_client.post(
        reverse("projects:renewal-drop", args=[proposal.pk]), {"reason": "今年经费不足"}
    )

    proposal.refresh_from_db()
    assert proposal.status == RenewalProposal.Status.DROPPED
    assert proposal.drop_reason == "今年经费不足"
    assert proposal.adoption is None
    assert not Project.objects.filter(previous=last_year["a_lecture"].project).exists()
    assert "不再续认领" in liaison_client.get(reverse("projects:my-renewals")).content.decode()


def test_it_hides_other_units_proposals(last_year, this_year, other_liaison_client, unit_a):
    actions.rollover(this_year)
    proposal = RenewalProposal.objects.get(unit=unit_a)
    url = reverse("projects:renewal-confirm", args=[proposal.pk])
    assert other_liaison_client.post(url).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == RenewalProposal.Status.PENDING


def test_it_reopens_a_renewal_when_staff_withdraw_it(last_year, this_year, staff, unit_a):
    actions.rollover(this_year)
    proposal = RenewalProposal.objects.get(unit=unit_a)
    adoption = actions.confirm_renewal(proposal, by=None)

    actions.withdraw(adoption, by=staff)

    proposal.refresh_from_db()
    assert proposal.status == RenewalProposal.Status.PENDING
    assert proposal.adoption is None
    assert adoption.project.adoptions.count() == 0


def test_it_refuses_to_withdraw_an_adoption_a_later_year_builds_on(
    last_year, this_year, staff, staff_client
):
    actions.rollover(this_year)
    old = last_year["a_lecture"]

    with pytest.raises(actions.AdoptionError):
        actions.withdraw(old, by=staff)
    assert Adoption.objects.filter(pk=old.pk).exists()

    url = reverse("projects:meeting-withdraw", args=[old.meeting_id, old.pk])
    response = staff_client.post(url, follow=True)
    assert "不能撤销" in response.content.decode()
