"""The year-end assessment's figures, computed from the data for many units at once.

One query per kind of figure, whatever the number of units. What each figure means (the
definitions the office reads in the table's legend, and the tests compute by hand):

- ``adopted_new`` / ``adopted_renewal``: the unit's adoptions of that year's projects.
- ``completed``: of those projects, how many are completed.
- ``milestones_due`` / ``milestones_on_time``: milestones of those projects due by the end of
  the year (by today, for the current year), and how many were done on or before their due
  date; ``milestones_on_time_pct`` is the share, in whole percent (None when none were due).
- ``visits_made``: visits on the unit's pairings dated in the year. ``visits_expected``: for
  each pairing, the days it ran within the year (to today, for the current year) divided by
  its cadence, rounded down, summed; ``visits_pct`` = made / expected (None when none was
  expected).
- contributions dated in the year, by kind: ``funds`` (yuan), ``volunteer_people`` (person-
  times) and ``volunteer_hours``, ``goods_count`` and ``goods_value`` (estimated yuan),
  ``venue_count``; ``contributions`` all rows, ``contributions_pending`` not yet confirmed.

Needs met through resource matching (accepted ``projects.Match`` rows) are not counted yet.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from projects.models import Adoption, Milestone, Project
from units.models import MemberUnit, Membership, Pairing, Visit

from .models import AnnualAssessment, AssessmentFinalisation, Contribution

#: The figures, in the order of the table's columns.
FIGURES = [
    "adopted_new",
    "adopted_renewal",
    "completed",
    "milestones_on_time_pct",
    "visits_made",
    "visits_expected",
    "visits_pct",
    "funds",
    "volunteer_people",
    "volunteer_hours",
    "goods_count",
    "goods_value",
    "venue_count",
    "contributions",
    "contributions_pending",
    "milestones_due",
    "milestones_on_time",
]


def year_span(year, today=None):
    """The first day of the year and its last day, or today for the current year."""
    today = today or timezone.localdate()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return start, min(end, today) if today >= start else start - datetime.timedelta(days=1)


def units_of_year(year):
    """Units that were members of the council in scope at some time in the year."""
    memberships = Membership.objects.filter(joined_year__lte=year).exclude(left_on__year__lt=year)
    return MemberUnit.objects.filter(pk__in=memberships.values("unit_id"))


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


def _money(value):
    return round(float(value or 0), 2)


def empty_figures():
    figures = dict.fromkeys(FIGURES, 0)
    figures["milestones_on_time_pct"] = figures["visits_pct"] = None
    for key in ("funds", "volunteer_hours", "goods_value"):
        figures[key] = 0.0
    return figures


def expected_visits(started_on, ended_on, cadence_days, start, end):
    """Visits a pairing's cadence expected between ``start`` and ``end`` (inclusive)."""
    first = max(started_on, start)
    last = min(ended_on or end, end)
    if last < first or not cadence_days:
        return 0
    return ((last - first).days + 1) // cadence_days


def compute_figures(year, unit_ids=None, today=None):
    """``{unit_id: figures}`` for the units given (all units when None), in five queries."""
    start, end = year_span(year, today)

    def scoped(qs, field):
        return qs if unit_ids is None else qs.filter(**{f"{field}__in": unit_ids})

    figures = defaultdict(empty_figures)
    if unit_ids is not None:
        for unit_id in unit_ids:
            figures[unit_id]  # noqa: B018 - every unit asked for gets a row, even an empty one

    adoptions = (
        scoped(Adoption.objects.filter(project__year=year), "unit_id")
        .order_by()
        .values("unit_id")
        .annotate(
            new=Count("id", filter=Q(kind=Adoption.Kind.NEW)),
            renewal=Count("id", filter=Q(kind=Adoption.Kind.RENEWAL)),
            completed=Count("id", filter=Q(project__status=Project.Status.COMPLETED)),
        )
    )
    for row in adoptions:
        f = figures[row["unit_id"]]
        f["adopted_new"], f["adopted_renewal"] = row["new"], row["renewal"]
        f["completed"] = row["completed"]

    # One filter() call, so the unit scope and the grouping share the same join.
    due = {"project__year": year, "due_on__lte": end, "project__adoptions__isnull": False}
    if unit_ids is not None:
        due["project__adoptions__unit_id__in"] = unit_ids
    milestones = (
        Milestone.objects.filter(**due)
        .order_by()
        .values(unit=F("project__adoptions__unit_id"))
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(done_on__isnull=False, done_on__lte=F("due_on"))),
        )
    )
    for row in milestones:
        f = figures[row["unit"]]
        f["milestones_due"], f["milestones_on_time"] = row["due"], row["on_time"]

    pairings = (
        scoped(Pairing.objects.filter(unit__isnull=False, started_on__lte=end), "unit_id")
        .exclude(ended_on__lt=start)
        .order_by()
        .values_list("unit_id", "started_on", "ended_on", "visit_cadence_days")
    )
    for unit_id, started_on, ended_on, cadence in pairings:
        figures[unit_id]["visits_expected"] += expected_visits(
            started_on, ended_on, cadence, start, end
        )

    visits = (
        scoped(Visit.objects.filter(visited_on__range=(start, end)), "pairing__unit_id")
        .exclude(pairing__unit__isnull=True)
        .order_by()
        .values(unit=F("pairing__unit_id"))
        .annotate(n=Count("id"))
    )
    for row in visits:
        figures[row["unit"]]["visits_made"] = row["n"]

    kinds = Contribution.Kind
    contributions = (
        scoped(Contribution.objects.in_year(year), "unit_id")
        .order_by()
        .values("unit_id")
        .annotate(
            funds=_sum("amount", kinds.FUNDS),
            people=_sum("people", kinds.VOLUNTEER_HOURS),
            hours=_sum("hours", kinds.VOLUNTEER_HOURS),
            goods=Count("id", filter=Q(kind=kinds.GOODS)),
            goods_value=_sum("amount", kinds.GOODS),
            venues=Count("id", filter=Q(kind=kinds.VENUE)),
            rows=Count("id"),
            pending=Count("id", filter=Q(status=Contribution.Status.RECORDED)),
        )
    )
    for row in contributions:
        f = figures[row["unit_id"]]
        f["funds"] = _money(row["funds"])
        f["volunteer_people"] = row["people"] or 0
        f["volunteer_hours"] = round(float(row["hours"] or 0), 1)
        f["goods_count"], f["goods_value"] = row["goods"], _money(row["goods_value"])
        f["venue_count"], f["contributions"] = row["venues"], row["rows"]
        f["contributions_pending"] = row["pending"]

    for f in figures.values():
        f["milestones_on_time_pct"] = _percent(f["milestones_on_time"], f["milestones_due"])
        f["visits_pct"] = _percent(f["visits_made"], f["visits_expected"])
    return dict(figures)


def _sum(field, kind):
    return Sum(field, filter=Q(kind=kind))


def finalisation_gaps(year):
    """What finalising ``year`` would store while still open, for its confirmation step:
    contributions of the year not yet confirmed and units not rated yet."""
    units = units_of_year(year)
    rated = AnnualAssessment.objects.filter(year=year).exclude(rating="").values("unit_id")
    return {
        "unit_count": units.count(),
        "unconfirmed": Contribution.objects.filter(
            status=Contribution.Status.RECORDED, contributed_on__year=year
        ).count(),
        "unrated": units.exclude(pk__in=rated).count(),
        "last": AssessmentFinalisation.objects.filter(year=year).first(),
    }


def finalise_year(year, by):
    """Store every member unit's figures for ``year`` as its snapshot; may be run again.

    Ratings and remarks stay; each run is recorded (an AssessmentFinalisation, and a
    history entry per unit's assessment).
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    with transaction.atomic():
        unit_ids = list(units_of_year(year).values_list("id", flat=True))
        figures = compute_figures(year, unit_ids)
        existing = {a.unit_id: a for a in AnnualAssessment.objects.filter(year=year)}
        now = timezone.now()
        new, changed = [], []
        for unit_id in unit_ids:
            assessment = existing.get(unit_id)
            if assessment is None:
                assessment = AnnualAssessment(unit_id=unit_id, year=year)
                new.append(assessment)
            else:
                changed.append(assessment)
            assessment.figures = figures[unit_id]
            assessment.finalised_at, assessment.finalised_by = now, by
        bulk_create_with_history(new, AnnualAssessment, default_user=by)
        bulk_update_with_history(
            changed,
            AnnualAssessment,
            ["figures", "finalised_at", "finalised_by"],
            default_user=by,
            default_change_reason="re-finalised",
        )
        return AssessmentFinalisation.objects.create(
            year=year, finalised_by=by, unit_count=len(unit_ids)
        )
