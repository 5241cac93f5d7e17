"""The district organisation department's pages: the councils side by side, and the yearly
district report (web and PDF). District staff only (``core.access.is_district_staff``)."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.access import district_staff_required
from records.pdf import pdf_response
from units.models import FOUNDING_YEAR

from . import report, rollup
from .forms import YearForm

#: How many years the year menus offer, this one first.
YEARS_SHOWN = 6


def _years(this_year):
    return range(this_year, max(FOUNDING_YEAR, this_year - YEARS_SHOWN + 1) - 1, -1)


@district_staff_required
@require_GET
def rollup_page(request):
    year = YearForm(request.GET or None).chosen_year()
    rows, total = rollup.rollup(year)
    context = {
        "year": year,
        "years": _years(timezone.localdate().year),
        "rows": rows,
        "total": total,
    }
    return render(request, "district/rollup.html", context)


def _report_year(year):
    """A year a council could have finalised: founding year to this year."""
    if not FOUNDING_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


def _report_context(year):
    councils, total = report.district_report(year)
    return {
        "year": year,
        "councils": councils,
        "total": total,
        "finalised": [c for c in councils if c.is_finalised],
        "not_finalised": [c for c in councils if not c.is_finalised],
        "years": _years(timezone.localdate().year),
    }


@district_staff_required
@require_GET
def report_page(request, year):
    context = _report_context(_report_year(year))
    return render(request, "district/report.html", context)


@district_staff_required
@require_GET
def report_pdf(request, year):
    year = _report_year(year)
    return pdf_response(
        f"district-report-{year}.pdf", "district/report_print.html", _report_context(year), request
    )
