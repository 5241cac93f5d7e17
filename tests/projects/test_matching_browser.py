"""At 375 px: a liaison adds a resource on the phone and offers it for a need; the office
accepts the match and opens the project. The CSP is enforced: any console error fails."""

import pytest
from django.urls import reverse

from projects.models import Match, Project
from tests.factories import PASSWORD, NeedFactory, PairingFactory
from units.models import Resource

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_a_liaison_offers_a_resource_and_the_office_opens_the_project(
    new_browser_page, liaison, staff, unit_a
):
    pairing = PairingFactory(unit=unit_a)
    need = NeedFactory(community=pairing.community, category="care_aid", text="楼道里装扶手")

    page = new_browser_page(width=375, height=812)
    page.login("bob", PASSWORD)
    page.goto(reverse("units:my-resources"))
    page.get_by_role("link", name="登记资源").first.click()
    page.wait_for_url("**" + reverse("units:resource-create"))
    page.get_by_label("志愿服务").check()
    page.fill("#id_title", "党员志愿服务队")
    page.fill("#id_description", "每月两次上门帮扶")
    page.get_by_label("爱心帮扶").check()
    page.fill("#id_quantity", "40")
    page.select_option("#id_measure", value="person_times")
    _no_sideways_scroll(page)
    page.screenshot("resource-form-375")
    page.get_by_role("button", name="保存资源").click()
    page.wait_for_url("**" + reverse("units:my-resources"))
    assert "党员志愿服务队" in page.content()
    _no_sideways_scroll(page)
    page.screenshot("my-resources-375")
    resource = Resource.objects.get()
    assert (resource.unit, resource.categories) == (unit_a, ["care_aid"])

    page.goto(reverse("projects:my-needs"))
    card = page.locator(f"#need-{need.pk}")
    card.get_by_role("button", name="我单位可以认领这个需求").click()
    page.locator(".message", has_text="已提交").wait_for()
    _no_sideways_scroll(page)
    page.screenshot("my-needs-375")
    match = Match.objects.get()
    assert (match.need, match.resource, match.status) == (need, resource, "proposed")
    assert page.errors == []

    office = new_browser_page(width=375, height=812)
    office.login("alice", PASSWORD)
    office.goto(reverse("projects:need-detail", args=[need.pk]))
    _no_sideways_scroll(office)
    office.screenshot("need-detail-375")
    office.get_by_role("button", name="确认对接").click()
    office.wait_for_load_state()
    assert "已确认对接" in office.content()
    office.get_by_role("button", name="由此对接生成项目").click()
    office.wait_for_url("**/office/projects/*/edit/")
    project = Project.objects.get()
    assert (project.status, project.community, project.title) == (
        "draft",
        need.community,
        "楼道里装扶手",
    )
    match.refresh_from_db()
    assert match.project == project
    office.screenshot("project-from-match-375")
    assert office.errors == []
