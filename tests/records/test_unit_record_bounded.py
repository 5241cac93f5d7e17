"""The unit record does bounded work at any data size: long lists are summarised and paged,
so its PDF takes a few seconds even for a very busy unit.

Found from outside: a unit with about 3,000 contributions and 3,000 visits in a year took
31 s to print, hit the worker timeout and answered 500; a liaison could repeat it and pin
the sync workers for everyone.
"""

import datetime
import io
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.records.conftest import busy_year
from tests.records.test_unit_record import _pdf_text

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year - 1
ROWS = 3000
#: What a worker may spend on one PDF: well inside gunicorn's timeout.
PDF_SECONDS = 5


@pytest.fixture
def busy_unit(unit_a, adopted_project):
    """unit_a with ROWS visits over three pairings and ROWS contributions in YEAR."""
    busy_year(unit_a, YEAR, ROWS)
    return unit_a


def test_the_pdf_of_a_very_busy_year_takes_a_few_seconds(staff_client, busy_unit):
    # A worker that has printed once has its fonts loaded: so has this one.
    staff_client.get(reverse("records:unit-record-pdf", args=[busy_unit.pk, YEAR - 1]))
    url = reverse("records:unit-record-pdf", args=[busy_unit.pk, YEAR])
    # CPU time, not wall time: the machine is shared, and the work is what is bounded.
    started = time.process_time()
    response = staff_client.get(url)
    seconds = time.process_time() - started
    assert response.status_code == 200
    assert seconds < PDF_SECONDS, f"the PDF took {seconds:.1f} s of CPU"
    assert len(PdfReader(io.BytesIO(response.content)).pages) <= 12
    text = _pdf_text(response.content)
    # The whole year is summarised: every visit and contribution is counted.
    assert "3000" in text
    assert "第2999次走访" in text, "the latest visits are listed"
    assert "第5次走访" not in text, "not all 3,000 of them"


def test_the_record_page_lists_a_page_of_each_long_list(liaison_client, busy_unit):
    url = reverse("records:unit-record", args=[busy_unit.pk, YEAR])
    page = liaison_client.get(url).content.decode()
    assert "第2999次走访" in page and "第2999批慰问品" in page
    assert "第5次走访" not in page and "第5批慰问品" not in page
    assert page.count('class="timeline-item') <= 50
    assert len(page) < 300_000
    older = liaison_client.get(url + "?visits=999&contributions=999").content.decode()
    assert "第5次走访" in older and "第5批慰问品" in older
    assert "第2999次走访" not in older
