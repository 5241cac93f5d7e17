"""A match's life: proposed → accepted → a draft project (or an adoption right away);
proposed → declined with a reason. And what the resident's tracking page says."""

import pytest
from django.urls import reverse

from projects import actions
from projects.models import Adoption, Match, Need, Project
from tests.factories import (
    JointMeetingFactory,
    MatchFactory,
    NeedFactory,
    PairingFactory,
    ResourceFactory,
)
from reminders.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(unit_a):
    pairing = PairingFactory(unit=unit_a)
    return NeedFactory(community=pairing.community, category="care_aid", text="楼道加装扶手")


@pytest.fixture
def resource(unit_a):
    return ResourceFactory(
        unit=unit_a,
        title="党员志愿服务队",
        kind="funds",
        quantity=5000,
        measure="yuan",
        categories=["care_aid"],
    )


def test_it_lets_a_liaison_propose_their_units_resource_for_a_need(liaison_client, need, resource):
    response = liaison_client.post(
        reverse("projects:match-propose", args=[need.pk]), {"resource": resource.pk}
    )
    assert response.status_code == 302
    match = Match.objects.get()
    assert (match.need, match.resource, match.status, match.proposed_by) == (
        need,
        resource,
        "proposed",
        "unit",
    )


def test_it_refuses_another_units_resource(other_liaison_client, liaison_client, need, unit_b):
    others = ResourceFactory(unit=unit_b)
    liaison_client.post(reverse("projects:match-propose", args=[need.pk]), {"resource": others.pk})
    assert not Match.objects.exists()


def test_it_hides_a_pending_need_from_a_unit_not_paired_with_its_community(
    other_liaison_client, need, unit_b
):
    theirs = ResourceFactory(unit=unit_b)
    response = other_liaison_client.post(
        reverse("projects:match-propose", args=[need.pk]), {"resource": theirs.pk}
    )
    assert response.status_code == 404
    assert need.text not in other_liaison_client.get(reverse("projects:my-needs")).content.decode()


def test_it_shows_an_accepted_need_to_every_liaison_without_the_residents_contact(
    other_liaison_client, need, unit_b
):
    ResourceFactory(unit=unit_b)
    Need.objects.filter(pk=need.pk).update(
        status=Need.Status.ACCEPTED, contact_name="王阿姨", contact_phone="13812345678"
    )
    html = other_liaison_client.get(reverse("projects:my-needs")).content.decode()
    assert need.text in html
    assert "王阿姨" not in html and "13812345678" not in html
    assert "我单位可以认领这个需求" in html


def test_it_refuses_the_same_resource_twice_for_one_need(need, resource, liaison):
    actions.propose_match(need, resource, by=liaison, proposed_by="unit")
    with pytest.raises(actions.MatchError):
        actions.propose_match(need, resource, by=liaison, proposed_by="unit")


def test_it_goes_from_proposed_to_accepted_to_a_draft_project_with_the_unit_invited(
    staff_client, staff, need, resource, liaison
):
    match = MatchFactory(need=need, resource=resource)
    staff_client.post(reverse("projects:match-accept", args=[match.pk]))
    match.refresh_from_db()
    assert match.status == "accepted" and match.decided_by == staff
    assert Notification.objects.filter(user=liaison, title__contains="已确认").exists()

    response = staff_client.post(reverse("projects:match-open-project", args=[match.pk]))

    match.refresh_from_db()
    project = match.project
    assert response["Location"] == reverse("projects:project-edit", args=[project.pk])
    assert (project.status, project.community, project.category) == (
        Project.Status.DRAFT,
        need.community,
        "care_aid",
    )
    assert project.title == "楼道加装扶手"
    assert resource.title in project.description and resource.unit.name in project.description
    assert project.budget_estimate == 5000
    need.refresh_from_db()
    assert (need.status, need.project) == (Need.Status.ACCEPTED, project)
    assert not Adoption.objects.exists()
    assert Notification.objects.filter(user=liaison, title__contains=project.title).exists()


def test_it_adopts_right_away_when_the_office_decides_so(staff_client, need, resource, unit_a):
    meeting = JointMeetingFactory(adoption_open=False)
    match = MatchFactory(need=need, resource=resource, status="accepted")
    staff_client.post(reverse("projects:match-open-project", args=[match.pk]), {"adopt_now": "on"})
    match.refresh_from_db()
    adoption = Adoption.objects.get()
    assert (adoption.project, adoption.unit, adoption.meeting) == (match.project, unit_a, meeting)
    assert match.project.status == Project.Status.ADOPTED


def test_it_opens_no_project_before_the_match_is_accepted(staff_client, need, resource):
    match = MatchFactory(need=need, resource=resource)
    staff_client.post(reverse("projects:match-open-project", args=[match.pk]))
    assert not Project.objects.exists()


def test_it_opens_one_project_per_match(staff, need, resource):
    match = MatchFactory(need=need, resource=resource, status="accepted")
    actions.open_project_from_match(match, by=staff)
    with pytest.raises(actions.MatchError):
        actions.open_project_from_match(match, by=staff)
    assert Project.objects.count() == 1


def test_it_declines_a_match_only_with_a_reason(staff_client, need, resource, liaison):
    match = MatchFactory(need=need, resource=resource)
    url = reverse("projects:match-decline", args=[match.pk])
    response = staff_client.post(url, {"reason": "   "})
    assert response.status_code == 400
    match.refresh_from_db()
    assert match.status == "proposed"
    staff_client.post(url, {"reason": "本季度已排满"})
    match.refresh_from_db()
    assert (match.status, match.reason) == ("declined", "本季度已排满")
    assert Notification.objects.filter(user=liaison, title__contains="本季度已排满").exists()


def test_it_lets_the_unit_propose_again_after_a_decline(need, resource, liaison, staff):
    match = actions.propose_match(need, resource, by=liaison, proposed_by="unit")
    actions.decline_match(match, by=staff, reason="时间不合适")
    again = actions.propose_match(need, resource, by=liaison, proposed_by="unit")
    assert again.status == "proposed"


def test_it_decides_a_match_once(need, resource, staff):
    match = MatchFactory(need=need, resource=resource)
    actions.accept_match(match, by=staff)
    with pytest.raises(actions.MatchError):
        actions.decline_match(match, by=staff, reason="改主意")


def test_it_tells_the_resident_a_unit_responded_once_a_match_is_accepted(
    anon, need, resource, staff
):
    url = reverse("projects:need-track", args=[need.tracking_code])
    match = MatchFactory(need=need, resource=resource)
    assert "已有单位响应" not in anon.get(url).content.decode()
    actions.accept_match(match, by=staff)
    html = anon.get(url).content.decode()
    assert "已有单位响应" in html
    assert resource.unit.name not in html and resource.unit.liaison_phone not in html


def test_it_offers_a_resource_only_once_per_need_on_the_liaisons_list(
    liaison_client, need, resource, liaison
):
    url = reverse("projects:my-needs")
    assert f'value="{resource.pk}"' in liaison_client.get(url).content.decode()
    actions.propose_match(need, resource, by=liaison, proposed_by="unit")
    html = liaison_client.get(url).content.decode()
    assert f'value="{resource.pk}"' not in html
    assert "我单位可以认领这个需求" not in html


def test_declining_a_match_says_so_not_that_the_need_is_declined(staff_client, need, resource):
    match = MatchFactory(need=need, resource=resource)
    detail = staff_client.get(reverse("projects:need-detail", args=[need.pk])).content.decode()
    row = detail[detail.index(f'id="match-{match.pk}"') :]
    row = row[: row.index("</li>")]
    assert "婉拒" in row and "不予采纳" not in row
    page = staff_client.get(reverse("projects:match-decline", args=[match.pk])).content.decode()
    form = page[page.index('<form method="post"') :]
    assert "婉拒对接</button>" in form and "不予采纳" not in form


def test_a_confirmed_match_moves_the_need_on_from_pending(need, resource, staff):
    match = MatchFactory(need=need, resource=resource)
    actions.accept_match(match, by=staff)
    need.refresh_from_db()
    assert (need.status, need.project, need.reviewed_by) == (Need.Status.ACCEPTED, None, staff)
    # Still open: the office can open a project from the match, which takes the need in.
    assert Need.objects.open().filter(pk=need.pk).exists()
    project = actions.open_project_from_match(match, by=staff)
    need.refresh_from_db()
    assert need.project == project


def test_the_resident_sees_one_status_once_a_unit_responded(anon, need, resource, staff):
    url = reverse("projects:need-track", args=[need.tracking_code])
    actions.accept_match(MatchFactory(need=need, resource=resource), by=staff)
    html = anon.get(url).content.decode()
    assert "已有单位响应" in html
    assert "待审核" not in html and "尽快审核" not in html
    assert "项目正在筹备" not in html  # no project promised: the office arranges the help
