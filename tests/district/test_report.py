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
from tests.district.conftest import YEAR

pytestmark = pytest.mark.django_db


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
    assert "尚未定稿、未计入合计：</strong> 枫泾镇</p>" in page
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
