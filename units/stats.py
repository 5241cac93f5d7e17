"""Registry statistics for the public statistics page."""

from collections import Counter

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from .models import FOUNDING_YEAR, Community, MemberUnit, Membership, Pairing, Visit

#: A narrow viewBox with 14-unit text: labels stay about 11 px on a 375 px phone, and the
#: stylesheet caps the chart's width on a desk.
CHART_WIDTH = 400
CHART_HEIGHT = 200


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
        bar_height = (height - 50) * value / top
        bars.append(
            {
                "label": label,
                "value": value,
                # Label the ends and every fifth bar, but none crowding the ends.
                "labelled": i in (0, len(series) - 1)
                or (label % 5 == 0 and len(series) - 1 - i >= 4 and i >= 4),
                "x": round(i * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(height - 22 - bar_height, 1),
                "height": round(bar_height, 1),
                "cx": round(i * slot + slot / 2, 1),
                # The end labels hang inwards so they are not cut at the chart's edges.
                "anchor": "start" if i == 0 else "end" if i == len(series) - 1 else "middle",
                "label_x": round(i * slot + (slot * 0.15 if i == 0 else slot * 0.85 if i == len(series) - 1 else slot / 2), 1),
            }
        )
    return bars


def registry_statistics():
    this_year = timezone.localdate().year
    # Joined and left this council's network: its memberships.
    memberships = Membership.objects.all()
    rows = (
        memberships.annotate(left_year=ExtractYear("left_on"))
        .values_list("joined_year", "left_year")
        .annotate(n=Count("id"))
        .order_by()
    )
    growth = membership_by_year(rows, this_year)

    active = MemberUnit.objects.members()
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
        "founding_members": memberships.filter(joined_year=FOUNDING_YEAR).count(),
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
