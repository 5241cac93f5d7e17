"""In a real browser, with the CSP enforced: a liaison records a contribution on a phone;
office staff finalise the year and download a unit's PDF. Every new page is screenshotted
at 375 and 1366 px (test-artifacts/) and must not scroll sideways."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from projects.models import Adoption, ProgressPhoto, ProgressUpdate, Project
from records.models import AssessmentFinalisation, Contribution
from tests.factories import (
    PASSWORD,
    AdoptionFactory,
    MilestoneFactory,
    PairingFactory,
    ProjectFactory,
    VisitFactory,
)
from tests.records.conftest import make_contribution

pytestmark = pytest.mark.browser

YEAR = datetime.date.today().year


def _photo(project, colour):
    update = ProgressUpdate.objects.create(project=project, text="项目进展顺利")
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, format="JPEG")
    ProgressPhoto.objects.create(update=update, image=ContentFile(buffer.getvalue(), "p.jpg"))


@pytest.fixture
def year_of_unit_a(unit_a, unit_b, liaison, staff):
    pairing = PairingFactory(unit=unit_a, community__name="测试东林村", started_on=datetime.date(YEAR, 1, 1))
    project = ProjectFactory(
        title="老年助餐点", community=pairing.community, year=YEAR,
        status=Project.Status.IN_PROGRESS, adopted_count=1,
    )  # fmt: skip
    AdoptionFactory(project=project, unit=unit_a, commitment="每月资助助餐点运营")
    done = ProjectFactory(title="河道保洁", year=YEAR, status=Project.Status.COMPLETED)
    AdoptionFactory(project=done, unit=unit_b, kind=Adoption.Kind.NEW)
    MilestoneFactory(project=project, due_on=datetime.date(YEAR, 3, 1), done_on=datetime.date(YEAR, 2, 20))
    _photo(project, (183, 28, 28))
    _photo(done, (23, 112, 47))
    for month in (2, 5, 8):
        VisitFactory(pairing=pairing, visited_on=datetime.date(YEAR, month, 3), activities="走访慰问困难家庭")
    make_contribution(unit_a, project, amount=20000, contributed_on=datetime.date(YEAR, 3, 1))
    make_contribution(unit_a, pairing=pairing, kind="goods", amount=1500, description="米油",
                      contributed_on=datetime.date(YEAR, 5, 3))  # fmt: skip
    make_contribution(unit_b, done, kind="volunteer_hours", amount=None, people=12, hours=36,
                      contributed_on=datetime.date(YEAR, 6, 1))  # fmt: skip
    return {"project": project, "pairing": pairing}


def test_a_liaison_records_a_contribution_on_a_phone(phone_page, liaison, year_of_unit_a):
    page = phone_page
    project = year_of_unit_a["project"]
    page.login("bob", PASSWORD)
    page.goto(f"/my/projects/{project.pk}/")
    page.click("text=登记投入")
    page.wait_for_load_state()
    assert page.locator("input[name=people]").count() == 0, "funds by default: no volunteer fields"
    page.select_option("select[name=kind]", "goods")  # htmx swaps in the goods fields
    page.wait_for_selector("input[name=description]")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=description]", "助餐点餐具一批")
    page.fill("input[name=amount]", "3000")
    page.fill("textarea[name=note]", "助餐点三月运营补贴")
    page.screenshot("records-contribution-form-375")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    contribution = Contribution.objects.get(note="助餐点三月运营补贴")
    assert (contribution.unit_id, contribution.project_id) == (liaison.unit_id, project.pk)
    assert contribution.kind == Contribution.Kind.GOODS
    assert (contribution.description, contribution.amount) == ("助餐点餐具一批", 3000)
    assert contribution.recorded_by == liaison
    assert "/my/contributions/" in page.url
    assert "助餐点三月运营补贴" in page.content()
    page.screenshot("records-my-contributions-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.errors == []


@pytest.mark.parametrize("width", [375, 1366])
def test_staff_finalise_the_year_and_download_a_units_pdf(new_browser_page, staff, unit_a, year_of_unit_a, width):
    page = new_browser_page(width=width, height=900)
    page.login("alice", PASSWORD)
    page.goto(f"/office/assessment/{YEAR}/")
    page.click("main a[href$='/finalise/']")
    page.wait_for_load_state()
    # The confirmation step: what is still open in the year, then one button.
    assert AssessmentFinalisation.objects.filter(year=YEAR).count() == 0
    assert "将会发生什么" in page.content()
    page.screenshot(f"records-assessment-finalise-confirm-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("main form[action$='/finalise/'] button[type=submit]")
    page.wait_for_load_state()
    assert AssessmentFinalisation.objects.filter(year=YEAR, finalised_by=staff).count() == 1
    assert "已于" in page.content()
    page.screenshot(f"records-assessment-finalised-{width}")

    page.click(f"text={unit_a.name}")
    page.wait_for_load_state()
    assert f"/registry/units/{unit_a.pk}/record/{YEAR}/" in page.url
    page.screenshot(f"records-unit-record-finalised-{width}")
    with page.expect_download() as download:
        page.click("text=下载PDF")
    content = open(download.value.path(), "rb").read()
    assert content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert unit_a.name in text and "老年助餐点" in text
    assert page.errors == []


PAGES = [
    ("my-contributions", "bob", lambda o: "/my/contributions/"),
    ("contribution-form", "bob", lambda o: f"/my/projects/{o['project'].pk}/contributions/new/"),
    ("pairing-contribution-form", "bob", lambda o: f"/my/pairings/{o['pairing'].pk}/contributions/new/"),
    ("unit-record", "bob", lambda o: f"/registry/units/{o['pairing'].unit_id}/record/{YEAR}/"),
    ("contributions", "alice", lambda o: "/office/contributions/"),
    ("contribution-correct", "alice",
     lambda o: f"/contributions/{Contribution.objects.filter(unit_id=o['pairing'].unit_id).first().pk}/edit/"),
    ("assessment", "alice", lambda o: f"/office/assessment/{YEAR}/"),
    ("assessment-rate", "alice", lambda o: f"/office/assessment/{YEAR}/units/{o['pairing'].unit_id}/"),
    ("annual-report", None, lambda o: f"/reports/{YEAR}/"),
    ("annual-report-staff", "alice", lambda o: f"/reports/{YEAR}/"),
    ("project-totals", None, lambda o: f"/projects/{o['project'].pk}/"),
]  # fmt: skip


@pytest.mark.parametrize("width", [375, 1366])
def test_every_records_page_fits_the_screen(new_browser_page, year_of_unit_a, width):
    """Each page answers, does not scroll sideways and raises no console error. One browser
    context per persona walks its pages (a new browser and data set per page cost minutes)."""
    problems = []
    for username in (None, "bob", "alice"):
        page = new_browser_page(width=width, height=812)
        if username:
            page.login(username, PASSWORD)
        for name, who, path in PAGES:
            if who != username:
                continue
            response = page.goto(path(year_of_unit_a))
            if response.status != 200:
                problems.append(f"{name}: HTTP {response.status}")
            page.screenshot(f"records-{name}-{width}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{name}: scrolls sideways ({scroll} > {width})")
        problems += [f"{username or 'resident'}: {error}" for error in page.errors]
    assert problems == []
