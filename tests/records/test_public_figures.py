"""Public figures count confirmed contributions only, and amounts have sane bounds per kind.

Found from outside: two rows of 9,999,999,999.99 yuan, still awaiting the office's
confirmation, put ¥19,999,999,999.98 on a public project page.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from records.models import Contribution
from tests.records.conftest import make_contribution
from tests.records.test_unit_record import _pdf_text

pytestmark = pytest.mark.django_db

FUNDS = {"kind": "funds", "contributed_on": "2026-05-01"}


def _confirmed(unit, project, amount, **fields):
    return make_contribution(
        unit, project, amount=amount, status="confirmed", confirmed_at=timezone.now(), **fields
    )


def test_a_project_page_counts_only_confirmed_contributions(anon, unit_a, adopted_project):
    _confirmed(unit_a, adopted_project, 8000)
    make_contribution(unit_a, adopted_project, amount=7_000_000)
    page = anon.get(reverse("projects:project-detail", args=[adopted_project.pk])).content.decode()
    assert re.search(r'<span class="stat">8,?000</span>', page)
    assert not re.search("7,?008,?000", page)


def test_a_project_with_only_unconfirmed_rows_shows_no_totals(anon, unit_a, adopted_project):
    make_contribution(unit_a, adopted_project, amount=5000)
    page = anon.get(reverse("projects:project-detail", args=[adopted_project.pk])).content.decode()
    assert "认领单位的投入" not in page


def test_the_annual_report_counts_only_confirmed_contributions(anon, unit_a, adopted_project):
    year = adopted_project.year
    day = datetime.date(year, 4, 4)
    _confirmed(unit_a, adopted_project, 8000, contributed_on=day)
    make_contribution(unit_a, adopted_project, amount=7_000_000, contributed_on=day)
    page = anon.get(reverse("records:annual-report", args=[year])).content.decode()
    assert re.search(r'<div class="stat">8,?000</div>', page)
    assert not re.search("7,?008,?000", page)
    text = _pdf_text(anon.get(reverse("records:annual-report-pdf", args=[year])).content)
    assert re.search("8,?000", text) and not re.search("7,?00[08],?000", text)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "funds", "amount": "9999999999.99"}, "amount"),
        ({"kind": "funds", "amount": "10000000.01"}, "amount"),
        ({"kind": "goods", "amount": "1000000.01", "description": "大米"}, "amount"),
        ({"kind": "venue", "amount": "5000000", "description": "会议室"}, "amount"),
        ({"kind": "volunteer_hours", "people": "10001", "hours": "8"}, "people"),
        ({"kind": "volunteer_hours", "people": "8", "hours": "100000.5"}, "hours"),
    ],
)
def test_it_refuses_implausible_amounts_in_chinese(liaison_client, adopted_project, data, field):
    url = reverse("records:contribution-create-project", args=[adopted_project.pk])
    response = liaison_client.post(url, {"contributed_on": "2026-05-01", **data})
    assert response.status_code == 200
    errors = str(response.context["form"].errors[field])
    assert any(word in errors for word in ("不能超过", "小于或等于", "不合常理")), errors
    assert not Contribution.objects.exists()


def test_it_accepts_a_large_but_plausible_gift(liaison_client, adopted_project):
    url = reverse("records:contribution-create-project", args=[adopted_project.pk])
    response = liaison_client.post(url, {**FUNDS, "amount": "10000000"})
    assert response.status_code == 302
