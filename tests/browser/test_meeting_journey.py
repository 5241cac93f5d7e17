"""The joint meeting, end to end in the browser.

Office staff turn a resident's need into a project and open it for adoption, open the
meeting's adoption window and put the big screen up; a liaison records a visit, then
adopts the project through the link its QR code encodes (read from the printed code with
zxing-cpp, as a phone camera would); the big screen shows it by itself.
"""

import io
import re

import pytest
import zxingcpp
from PIL import Image

from projects.models import Adoption, Need, Project
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    JointMeetingFactory,
    NeedFactory,
    PairingFactory,
)
from units.models import Visit

pytestmark = pytest.mark.browser


def test_it_runs_the_joint_meeting(new_browser_page, staff, liaison, unit_a, live_server, settings):
    settings.SITE_URL = live_server.url  # the address the QR codes carry, as `make run` sets it
    community = CommunityFactory(name="测试东林村")
    PairingFactory(unit=unit_a, community=community)
    need = NeedFactory(community=community, text="希望建一个老年助餐点")
    meeting = JointMeetingFactory(title="测试年度联席会议", adoption_open=False)

    # Staff, on a desktop: triage the need into a project and open it for adoption.
    office = new_browser_page(width=1280, height=900)
    office.login("alice", PASSWORD)
    office.goto("/office/needs/")
    office.screenshot("staff-needs-inbox")
    office.click(f"#need-{need.pk} >> text=采纳为新项目")
    office.fill("input[name=title]", "测试东林村老年助餐点")
    office.fill("input[name=capacity]", "2")
    office.click("form.form button[type=submit]:has-text('保存')")
    office.wait_for_url("**/office/projects/*/edit/")
    project = Project.objects.get(title="测试东林村老年助餐点")
    need.refresh_from_db()
    assert need.status == Need.Status.ACCEPTED and need.project == project
    office.click("form:has(input[name=status][value=open]) button")
    office.wait_for_load_state()
    project.refresh_from_db()
    assert project.status == Project.Status.OPEN

    # Open the meeting's adoption window.
    office.goto("/office/meetings/")
    office.click(f"a[href='/office/meetings/{meeting.pk}/window/']")
    office.wait_for_url(f"**/office/meetings/{meeting.pk}/window/")
    office.click("form.actions button[type=submit]")  # 确定开启认领
    office.wait_for_url("**/office/meetings/")
    meeting.refresh_from_db()
    assert meeting.adoption_open

    # The link the project's QR code encodes, as printed on the QR sheet.
    office.goto(f"/office/meetings/{meeting.pk}/qr/")
    office.screenshot("staff-qr-sheet")
    card = office.locator("figure.qr-card", has_text="测试东林村老年助餐点")
    printed_url = card.locator(".qr-url").inner_text().strip()
    # Read the code itself, as a phone's camera would.
    qr_png = card.locator("img").screenshot()
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png)).convert("L"))
    assert [code.text for code in decoded] == [printed_url]
    adopt_url = decoded[0].text
    assert re.search(rf"/projects/{project.pk}/adopt/$", adopt_url)

    # The big screen, on the projector.
    screen = new_browser_page(width=1280, height=720)
    screen.goto(f"/meetings/{meeting.pk}/screen/")
    assert screen.locator("#screen-adoptions").inner_text().strip() == "0"

    # The liaison, on a phone: record a visit, then scan the QR code and adopt.
    phone = new_browser_page()
    phone.login("bob", PASSWORD)
    phone.goto("/my/pairings/")
    phone.click("text=记录走访")
    phone.fill("textarea[name=activities]", "走访东林村困难家庭")
    phone.click("main form button[type=submit]")
    phone.wait_for_url("**/my/pairings/")
    assert Visit.objects.filter(pairing__unit=unit_a).count() == 1

    phone.goto(adopt_url)
    phone.screenshot("liaison-adopt")
    commitment = phone.locator("textarea[name=commitment]")
    if commitment.count():
        commitment.fill("出资两万元，派志愿者每周服务")
    phone.click("main form button[type=submit]")
    # htmx swaps the panel in place: wait for the answer, not for a page load.
    phone.locator(".adopt-won, .adopt-result").first.wait_for()
    phone.screenshot("liaison-adopted")
    assert Adoption.objects.filter(project=project, unit=unit_a, meeting=meeting).exists()

    # The big screen updates by itself (htmx polls every 3 s, under the strict CSP).
    screen.locator("#screen-adoptions", has_text="1").wait_for(timeout=10000)
    screen.screenshot("meeting-big-screen")

    for page in (office, screen, phone):
        assert page.errors == [], page.errors
