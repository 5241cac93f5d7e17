import pytest
from django.urls import reverse

from tests.factories import JointMeetingFactory, MemberUnitFactory, PairingFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_it_counts_the_network_live(anon):
    PairingFactory()
    MemberUnitFactory(is_active=False, left_on="2020-01-01")
    ProjectFactory(status="draft")
    ProjectFactory(status="completed")
    context = anon.get(reverse("home")).context
    assert context["units"] == 1  # the paired unit; the one that left is not counted
    assert context["pairings"] == 1
    assert context["projects"]["completed"] == 1
    assert context["projects"]["this_year"] == 1  # drafts are not public


def test_it_points_to_the_live_meeting_only_while_adoption_is_open(anon):
    meeting = JointMeetingFactory(adoption_open=False)
    assert "查看认领实况" not in anon.get(reverse("home")).content.decode()
    meeting.adoption_open = True
    meeting.save()
    html = anon.get(reverse("home")).content.decode()
    assert reverse("projects:meeting-live", args=[meeting.pk]) in html


def test_it_gives_each_role_its_own_shortcuts(anon, liaison_client, staff_client):
    assert "我的结对与走访" not in anon.get(reverse("home")).content.decode()
    assert "我的结对与走访" in liaison_client.get(reverse("home")).content.decode()
    staff_html = staff_client.get(reverse("home")).content.decode()
    assert "党建办工作" in staff_html and "我的结对与走访" not in staff_html
