"""/district/report/<year>/ and its PDF: the councils' finalised assessments added up, and a
council that has not finalised the year named as such, never counted as zeros."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from district.report import district_report
from records.models import AnnualAssessment, AssessmentFinalisation
from tests.district.conftest import YEAR, member
from tests.factories import MemberUnitFactory
from units.models import Council

pytestmark = pytest.mark.django_db


def _assess(council, unit, rating, **figures):
    return AnnualAssessment.objects.create(
        council=council, unit=unit, year=YEAR, rating=rating, finalised_at=timezone.now(),
        figures={"adopted_new": 0, "adopted_renewal": 0, "completed": 0, "visits_made": 0,
                 "funds": 0.0, "volunteer_people": 0, "volunteer_hours": 0.0,
                 "goods_count": 0, "goods_value": 0.0, "venue_count": 0, "contributions": 0,
                 **figures},
    )  # fmt: skip


@pytest.fixture
def finalised(zhujing, fengjing):
    """Zhujing and 石化街道 finalised the year; 枫泾镇 has assessments but never finalised."""
    shihua = Council.objects.create(name="石化街道", slug="shihua", kind="street", position=3)
    bureau, court, works = (MemberUnitFactory(name=n) for n in ["测试区财政局", "测试法庭", "测试企业"])
    for unit in (bureau, court):
        member(unit, zhujing)
    member(bureau, shihua)
    member(works, fengjing)
    _assess(zhujing, bureau, "excellent", adopted_new=2, adopted_renewal=1, completed=2,
            visits_made=5, funds=1000.5, volunteer_people=4, volunteer_hours=8.5, goods_count=1,
            goods_value=300.0, contributions=4)  # fmt: skip
    _assess(zhujing, court, "", adopted_new=1, visits_made=2, venue_count=1, contributions=1)
    _assess(shihua, bureau, "good", adopted_new=1, visits_made=3, funds=2000.0, contributions=1)
    _assess(fengjing, works, "pass", adopted_new=7, visits_made=70, funds=70000.0)
    AssessmentFinalisation.objects.create(council=zhujing, year=YEAR, unit_count=2)
    AssessmentFinalisation.objects.create(council=shihua, year=YEAR, unit_count=1)
    AssessmentFinalisation.objects.create(council=fengjing, year=YEAR - 1, unit_count=1)
    return {"zhujing": zhujing, "fengjing": fengjing, "shihua": shihua}


def test_it_adds_up_each_councils_finalised_snapshots(finalised):
    councils, total = district_report(YEAR)
    by = {c.council.slug: c for c in councils}

    zhujing = by["zhujing"]
    assert zhujing.is_finalised and zhujing.units == 2
    assert zhujing.ratings == {"excellent": 1, "good": 0, "pass": 0, "fail": 0, "unrated": 1}
    assert zhujing.adopted == 4
    assert zhujing.figures["visits_made"] == 7
    assert float(zhujing.figures["funds"]) == 1000.5
    assert float(zhujing.figures["volunteer_hours"]) == 8.5
    assert zhujing.figures["venue_count"] == 1
    assert by["shihua"].units == 1 and float(by["shihua"].figures["funds"]) == 2000.0

    assert total.units == 3
    assert total.adopted == 5
    assert total.figures["visits_made"] == 10
    assert float(total.figures["funds"]) == 3000.5
    assert total.ratings["good"] == 1


def test_a_council_that_has_not_finalised_is_named_and_not_counted(finalised):
    councils, total = district_report(YEAR)
    fengjing = next(c for c in councils if c.council.slug == "fengjing")

    assert not fengjing.is_finalised
    assert fengjing.units == 0
    assert total.figures["visits_made"] == 10  # not 80: its 70 visits are not final


def test_the_page_says_which_councils_have_not_finalised(finalised, dora_client):
    page = dora_client.get(reverse("district:report", args=[YEAR])).content.decode()

    assert "3个联席会议中已有2个完成" in page
    assert "尚未定稿、未计入合计：</strong> 枫泾镇" in page
    assert page.count("尚未定稿</td>") == 2  # its row in both tables
    assert "3,000.50" in page


def test_the_pdf_names_the_councils_and_the_total(finalised, dora_client):
    response = dora_client.get(reverse("district:report-pdf", args=[YEAR]))

    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if shutil.which("pdftotext"):
        text += subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
    for name in ["朱泾镇", "枫泾镇", "石化街道", "全区合计", "尚未定稿"]:
        assert name in text


def test_a_year_not_yet_begun_is_not_found(dora_client):
    url = reverse("district:report", args=[timezone.localdate().year + 1])
    assert dora_client.get(url).status_code == 404
