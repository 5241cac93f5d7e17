"""Staff at the meeting type fast; liaisons report progress from their phones."""

import pytest
from django.urls import reverse

from projects.models import Adoption, Project
from tests.factories import (
    PASSWORD,
    AdoptionFactory,
    JointMeetingFactory,
    MilestoneFactory,
    ProjectFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user, next_url):
    page.goto(f"{live_server.url}{reverse('accounts:login')}?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_it_records_adoptions_with_the_keyboard_only(
    phone_page, live_server, staff, unit_a, unit_b
):
    from playwright.sync_api import expect

    meeting = JointMeetingFactory(adoption_open=True)
    first = ProjectFactory(title="健康小屋")
    second = ProjectFactory(title="飘香书屋")
    page = phone_page
    _login(page, live_server, staff, reverse("projects:meeting-record", args=[meeting.pk]))

    unit_input = page.locator("input[name=unit]")
    expect(unit_input).to_be_focused()
    for unit, project in [(unit_a, first), (unit_b, second)]:
        page.keyboard.type(unit.name)
        page.keyboard.press("Tab")
        page.keyboard.type(f"#{project.pk} {project.title}")
        page.keyboard.press("Tab")
        page.keyboard.type("现场认领")
        page.keyboard.press("Enter")
        expect(page.locator(".recent-list")).to_contain_text(project.title)
        expect(unit_input).to_have_value("")
        expect(unit_input).to_be_focused()
    page.screenshot("meeting-record-375")
    assert Adoption.objects.filter(meeting=meeting).count() == 2


def test_it_marks_a_milestone_done_on_a_phone(phone_page, live_server, liaison, unit_a):
    from playwright.sync_api import expect

    project = ProjectFactory(title="阳光坡道", status=Project.Status.ADOPTED, adopted_count=1)
    AdoptionFactory(project=project, unit=unit_a)
    milestone = MilestoneFactory(project=project, title="完成坡道施工")
    page = phone_page
    _login(page, live_server, liaison, reverse("projects:my-projects"))

    item = page.locator(f"#milestone-{milestone.pk}")
    item.locator("textarea").fill("坡道已浇筑完成，居民已使用")
    item.get_by_role("button", name="标记完成").click()
    expect(page.locator(f"#milestone-{milestone.pk} .pill-ok")).to_be_visible()
    page.screenshot("my-projects-375")
    milestone.refresh_from_db()
    assert milestone.is_done
