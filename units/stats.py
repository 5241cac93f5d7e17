"""Registry statistics for the public statistics page."""

from collections import Counter

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from .models import FOUNDING_YEAR, Community, MemberUnit, Pairing, Visit

CHART_WIDTH = 720
CHART_HEIGHT = 240


def membership_by_year(rows, until):
    """Members at the end of each year: joined by then and not yet left.

    ``rows`` are (joined_year, left_year or None, count).
    """
    joined = Counter()
    left = Counter()
    for joined_year, left_year, count in rows:
        joined[joined_year] += count
        if left_year is not None:
            left[left_year] += count
    total, series = 0, []
    for year in range(FOUNDING_YEAR, until + 1):
        total += joined[year] - left[year]
        series.append((year, total, joined[year]))
    return series


def _bars(series, width=CHART_WIDTH, height=CHART_HEIGHT):
    """Bar geometry for an SVG chart, computed here so the template stays simple."""
    top = max((value for _, value, *_ in series), default=0) or 1
    slot = width / max(len(series), 1)
    bars = []
    for i, (label, value, *_) in enumerate(series):
        bar_height = (height - 45) * value / top
        bars.append(
            {
                "label": label,
                "value": value,
                # Label the ends and every fifth bar, but not one crowding the last.
                "labelled": i in (0, len(series) - 1)
                or (label % 5 == 0 and len(series) - 1 - i >= 3),
                "x": round(i * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(height - 20 - bar_height, 1),
                "height": round(bar_height, 1),
                "cx": round(i * slot + slot / 2, 1),
            }
        )
    return bars


def registry_statistics():
    this_year = timezone.localdate().year
    units = MemberUnit.objects.all()
    rows = (
        units.annotate(left_year=ExtractYear("left_on"))
        .values_list("joined_year", "left_year")
        .annotate(n=Count("id"))
        .order_by()
    )
    growth = membership_by_year(rows, this_year)

    active = units.filter(is_active=True)
    by_category = dict(active.values_list("category").annotate(n=Count("id")).order_by())
    by_level = dict(
        active.filter(category=MemberUnit.Category.ORGAN)
        .values_list("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    categories = [
        (value, label, by_category.get(value, 0)) for value, label in MemberUnit.Category.choices
    ]
    organs = by_category.get(MemberUnit.Category.ORGAN, 0)
    pairings = Pairing.objects.filter(status=Pairing.Status.ACTIVE)
    by_mode = dict(pairings.values_list("mode").annotate(n=Count("id")).order_by())
    by_programme = dict(
        pairings.exclude(programme="").values_list("programme").annotate(n=Count("id")).order_by()
    )
    return {
        "total_active": sum(by_category.values()),
        "founding_members": units.filter(joined_year=FOUNDING_YEAR).count(),
        "organs": organs,
        "others": sum(by_category.values()) - organs,
        "categories": categories,
        "levels": [(label, by_level.get(value, 0)) for value, label in MemberUnit.Level.choices],
        "growth": growth,
        "growth_bars": _bars(growth),
        "communities": Community.objects.filter(is_active=True).count(),
        "pairings": sum(by_mode.values()),
        "modes": [(label, by_mode.get(value, 0)) for value, label in Pairing.Mode.choices],
        "programmes": [
            (label, by_programme.get(value, 0)) for value, label in Pairing.Programme.choices
        ],
        "visits_this_year": Visit.objects.filter(visited_on__year=this_year).count(),
        "this_year": this_year,
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
    }
