"""No single tap completes or cancels a project: a confirmation page says what will change;
staff can reopen a completed project, and the reopening is kept in its history."""

import datetime

import pytest
from django.urls import reverse

from projects.models import ProgressUpdate, Project
from tests.factories import AdoptionFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

S = Project.Status


@pytest.fixture
def nearly_done(unit_a):
    project = ProjectFactory(title="社区法律诊所", status=S.IN_PROGRESS, adopted_count=1)
    AdoptionFactory(project=project, unit=unit_a)
    MilestoneFactory(project=project, title="签订协议", done_on=datetime.date(2026, 3, 1))
    ProgressUpdate.objects.create(project=project, text="主体施工中，预计下月封顶")
    return project


def test_it_asks_the_liaison_before_completing_and_says_what_changes(
    nearly_done, liaison_client
):
    url = reverse("projects:my-project-complete", args=[nearly_done.pk])
    page = liaison_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "预计下月封顶" in html  # the note residents would read beside 已完成
    assert "收尾进展" in html and "党建办可以重新打开" in html
    liaison_client.post(url)  # the old one-tap form, without the confirmation
    nearly_done.refresh_from_db()
    assert nearly_done.status == S.IN_PROGRESS

    liaison_client.post(url, {"confirmed": "yes"})
    nearly_done.refresh_from_db()
    assert nearly_done.status == S.COMPLETED


def test_it_links_the_liaisons_project_page_to_the_confirmation_not_a_one_tap_form(
    nearly_done, liaison_client
):
    html = liaison_client.get(reverse("projects:my-project", args=[nearly_done.pk])).content
    complete = reverse("projects:my-project-complete", args=[nearly_done.pk])
    assert f'href="{complete}"'.encode() in html
    assert f'action="{complete}"'.encode() not in html


def test_it_shows_staff_the_unfinished_milestones_before_completing(staff_client, nearly_done):
    MilestoneFactory(project=nearly_done, title="竣工验收", done_on=None)
    url = reverse("projects:project-transition", args=[nearly_done.pk])
    html = staff_client.get(url, {"status": "completed"}).content.decode()
    assert "竣工验收" in html and "签订协议" not in html
    staff_client.post(url, {"status": "completed"})
    nearly_done.refresh_from_db()
    assert nearly_done.status == S.IN_PROGRESS


def test_it_warns_that_cancelling_cannot_be_undone(staff_client, nearly_done, unit_a):
    url = reverse("projects:project-transition", args=[nearly_done.pk])
    html = staff_client.get(url, {"status": "cancelled"}).content.decode()
    assert "不能撤销" in html and unit_a.name in html
    nearly_done.refresh_from_db()
    assert nearly_done.status == S.IN_PROGRESS


def test_it_lets_staff_reopen_a_completed_project_with_the_reason_in_its_history(
    staff_client, staff, nearly_done
):
    nearly_done.transition_to(S.COMPLETED)
    url = reverse("projects:project-transition", args=[nearly_done.pk])
    edit = staff_client.get(reverse("projects:project-edit", args=[nearly_done.pk]))
    assert f'{url}?status=in_progress"' in edit.content.decode()

    refused = staff_client.post(url, {"status": "in_progress", "confirmed": "yes", "reason": " "})
    assert "请说明重新打开的原因" in refused.content.decode()
    nearly_done.refresh_from_db()
    assert nearly_done.status == S.COMPLETED

    staff_client.post(
        url, {"status": "in_progress", "confirmed": "yes", "reason": "尚未封顶，误标完成"}
    )
    nearly_done.refresh_from_db()
    assert nearly_done.status == S.IN_PROGRESS
    latest = nearly_done.history.latest()
    assert latest.history_change_reason == "尚未封顶，误标完成"
    assert latest.history_user == staff
    edit = staff_client.get(reverse("projects:project-edit", args=[nearly_done.pk]))
    assert "尚未封顶，误标完成" in edit.content.decode()


def test_it_refuses_a_liaison_reopening(liaison_client, nearly_done):
    nearly_done.transition_to(S.COMPLETED)
    url = reverse("projects:project-transition", args=[nearly_done.pk])
    data = {"status": "in_progress", "confirmed": "yes", "reason": "想改"}
    assert liaison_client.post(url, data).status_code in (302, 403)
    nearly_done.refresh_from_db()
    assert nearly_done.status == S.COMPLETED
