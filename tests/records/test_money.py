"""One filter for money everywhere: thousands separated, no needless decimals."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from tests.records.conftest import make_contribution


@pytest.mark.parametrize(
    "value, shown",
    [
        (90000, "90,000"),
        (Decimal("20000.00"), "20,000"),
        (378000.0, "378,000"),
        (Decimal("1234.5"), "1,234.50"),
        (Decimal("0.00"), "0"),
        (None, ""),
        ("", ""),
        ("abc", ""),
    ],
)
def test_it_formats_amounts(value, shown):
    assert Template("{{ v|money }}").render(Context({"v": value})) == shown


@pytest.mark.django_db
def test_every_money_page_uses_it(staff_client, unit_a, adopted_project):
    make_contribution(unit_a, adopted_project, amount=Decimal("20000.00"))
    make_contribution(unit_a, adopted_project, kind="goods", amount=Decimal("1500.00"), description="米油")
    year = adopted_project.year
    pages = {
        "contributions": reverse("records:contribution-list"),
        "assessment": reverse("records:assessment", args=[year]),
        "record": reverse("records:unit-record", args=[unit_a.pk, year]),
    }
    for name, url in pages.items():
        html = staff_client.get(url).content.decode()
        assert "20,000" in html, name
        assert "20000" not in html and "1500.00" not in html, name
