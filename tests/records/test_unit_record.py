"""The unit's record: who may see it, and its PDF."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from projects.models import ProgressPhoto, ProgressUpdate
from tests.conftest import ARTIFACTS
from tests.records.conftest import make_contribution

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year


def _pdf_text(content):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_staff_and_the_units_own_liaison_see_the_record(staff_client, liaison_client, other_liaison_client, unit_a):
    url = reverse("records:unit-record", args=[unit_a.pk, YEAR])
    assert staff_client.get(url).status_code == 200
    assert liaison_client.get(url).status_code == 200
    assert other_liaison_client.get(url).status_code == 404
    pdf = reverse("records:unit-record-pdf", args=[unit_a.pk, YEAR])
    assert other_liaison_client.get(pdf).status_code == 404


def test_it_refuses_a_year_outside_the_networks_life(staff_client, unit_a):
    assert staff_client.get(reverse("records:unit-record", args=[unit_a.pk, 1996])).status_code == 404
    assert staff_client.get(reverse("records:unit-record", args=[unit_a.pk, 2999])).status_code == 404


def test_the_record_shows_the_years_projects_visits_and_contributions(liaison_client, unit_a, adopted_project, pairing_a):
    from tests.factories import VisitFactory

    VisitFactory(pairing=pairing_a, visited_on=datetime.date(YEAR, 1, 2), activities="慰问独居老人")
    make_contribution(unit_a, adopted_project, kind="goods", amount=300, description="冬衣二十件",
                      contributed_on=datetime.date(YEAR, 1, 3))  # fmt: skip
    page = liaison_client.get(reverse("records:unit-record", args=[unit_a.pk, YEAR])).content.decode()
    assert adopted_project.title in page
    assert "慰问独居老人" in page
    assert "冬衣二十件" in page


def test_the_pdf_carries_the_units_name_as_text(staff_client, unit_a, adopted_project, tmp_path):
    update = ProgressUpdate.objects.create(project=adopted_project, text="进展")
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (180, 30, 30)).save(buffer, format="JPEG")
    from django.core.files.base import ContentFile

    ProgressPhoto.objects.create(update=update, image=ContentFile(buffer.getvalue(), "p.jpg"))
    make_contribution(unit_a, adopted_project, amount=5000, contributed_on=datetime.date(YEAR, 2, 1))
    response = staff_client.get(reverse("records:unit-record-pdf", args=[unit_a.pk, YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "unit-record.pdf").write_bytes(response.content)  # to look at: pdftoppm
    text = _pdf_text(response.content)
    assert unit_a.name in text
    assert adopted_project.title in text
    assert "5,000" in text
    assert PdfReader(io.BytesIO(response.content)).pages[0].images, "the progress photo is in it"


def test_the_pdf_fetches_nothing_from_outside(unit_a):
    from records.pdf import _local_file

    assert _local_file("http://169.254.169.254/latest/meta-data/") is None
    assert _local_file("https://zhujing.invalid/media/../../etc/passwd") is None
    assert _local_file("file:///etc/passwd") is None


def test_the_registry_page_links_to_the_record(staff_client, unit_a):
    page = staff_client.get(reverse("units:unit-detail", args=[unit_a.pk])).content.decode()
    assert reverse("records:unit-record", args=[unit_a.pk, YEAR]) in page
