"""The yearly district report (全区年度报告), built from what each council's office finalised.

A council's figures here are the sums of its finalised assessments' snapshots
(``AnnualAssessment.figures``, see records.assessment): what the office stored when it
closed the year, not today's data. A council that has not finalised the year is listed as
such, never as zeros. One query for the councils, one for the finalisations, one for the
sums, whatever the number of councils or units.
"""

from dataclasses import dataclass, field

from django.db.models import Count, DecimalField, IntegerField, Max, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from records.models import AnnualAssessment, AssessmentFinalisation
from units.models import Council

from .rollup import council_address

RATINGS = [r.value for r in AnnualAssessment.Rating]
#: The snapshot's figures the report adds up, and whether each is a count or an amount.
COUNTS = (
    "adopted_new",
    "adopted_renewal",
    "completed",
    "visits_made",
    "volunteer_people",
    "goods_count",
    "venue_count",
    "contributions",
)
AMOUNTS = ("funds", "volunteer_hours", "goods_value")
AMOUNT = DecimalField(max_digits=16, decimal_places=2)


def _figure(name, output):
    return Coalesce(Sum(Cast(KT(f"figures__{name}"), output)), 0, output_field=output)


@dataclass
class CouncilYear:
    """One council's finalised year (or the district's total, with ``council`` None)."""

    council: Council | None = None
    finalised_at: object = None
    units: int = 0
    ratings: dict = field(default_factory=lambda: dict.fromkeys([*RATINGS, "unrated"], 0))
    figures: dict = field(default_factory=lambda: dict.fromkeys([*COUNTS, *AMOUNTS], 0))

    @property
    def is_finalised(self):
        return self.finalised_at is not None

    @property
    def address(self):
        return council_address(self.council) if self.council else None

    @property
    def rating_cells(self):
        """``[(label, count)]``: each rating in the assessment's order, then the unrated."""
        cells = [(AnnualAssessment.Rating(r).label, self.ratings[r]) for r in RATINGS]
        return [*cells, (_("not rated"), self.ratings["unrated"])]

    @property
    def adopted(self):
        return self.figures["adopted_new"] + self.figures["adopted_renewal"]

    def add(self, other):
        self.units += other.units
        for key, value in other.ratings.items():
            self.ratings[key] += value
        for key, value in other.figures.items():
            self.figures[key] += value


def district_report(year):
    """``(councils, total)`` for ``year``: every active council, finalised or not, and the
    total of the finalised ones."""
    with scopes_disabled():
        councils = [CouncilYear(council=c) for c in Council.objects.filter(is_active=True)]
        by_id = {c.council.pk: c for c in councils}
        for row in (
            AssessmentFinalisation.objects.filter(year=year)
            .order_by()
            .values("council_id")
            .annotate(last=Max("finalised_at"))
        ):
            if row["council_id"] in by_id:
                by_id[row["council_id"]].finalised_at = row["last"]
        sums = (
            AnnualAssessment.objects.filter(year=year, finalised_at__isnull=False)
            .order_by()
            .values("council_id")
            .annotate(
                units=Count("id"),
                unrated=Count("id", filter=Q(rating="")),
                **{r: Count("id", filter=Q(rating=r)) for r in RATINGS},
                **{name: _figure(name, IntegerField()) for name in COUNTS},
                **{name: _figure(name, AMOUNT) for name in AMOUNTS},
            )
        )
        for row in sums:
            council = by_id.get(row["council_id"])
            if council is None or not council.is_finalised:
                continue
            council.units = row["units"]
            council.ratings = {r: row[r] for r in [*RATINGS, "unrated"]}
            council.figures = {name: row[name] for name in [*COUNTS, *AMOUNTS]}
    total = CouncilYear()
    for council in councils:
        if council.is_finalised:
            total.add(council)
    return councils, total
