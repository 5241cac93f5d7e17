"""The district roll-up (全区汇总): every council's year side by side, in a fixed number of
queries whatever the number of councils, units or rows.

Each figure is one query grouped by council, read across councils deliberately (inside
``scopes_disabled()``), so every query here names its council itself. What each column
means:

- ``members``: units that were members of the council at some time in the year (joined by
  then, not left before it), from their memberships.
- ``pairings`` and their health today (正常 / 即将到期 / 逾期 / 未走访): the current pairings,
  judged by ``Pairing.health_for``, the rule the pairing-health page uses.
- needs raised in the year, and of them how many were accepted, declined or still pending.
- adoptions of the year's projects, new and renewed.
- the council's last joint meeting of the year: the year's projects offered (neither draft nor
  cancelled) and their seats, and what was adopted at that meeting.
- contributions dated in the year that the office confirmed, by kind.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from projects.models import Adoption, JointMeeting, Need, Project
from records.models import Contribution
from units.models import Council, Membership, Pairing

HEALTH = [h.value for h in Pairing.Health]
NEED_COUNTS = ("raised", "accepted", "declined", "pending")
ADOPTION_COUNTS = ("new", "renewal")
MEETING_COUNTS = ("offered", "seats", "adopted_projects", "seats_taken")
CONTRIBUTION_SUMS = (
    "funds",
    "volunteer_people",
    "volunteer_hours",
    "goods_count",
    "goods_value",
    "venue_count",
    "total",
)


def council_address(council):
    """Where a council's own pages are: its host name, else its ``/c/<slug>/`` prefix."""
    if council.host:
        return f"//{council.host}/"
    return f"/c/{council.slug}/"


@dataclass
class Row:
    """One council's figures (or the district's total, with ``council`` None)."""

    council: Council | None = None
    members: int = 0
    pairings: int = 0
    health: dict = field(default_factory=lambda: dict.fromkeys(HEALTH, 0))
    needs: dict = field(default_factory=lambda: dict.fromkeys(NEED_COUNTS, 0))
    adoptions: dict = field(default_factory=lambda: dict.fromkeys(ADOPTION_COUNTS, 0))
    meeting: JointMeeting | None = None
    meeting_counts: dict = field(default_factory=lambda: dict.fromkeys(MEETING_COUNTS, 0))
    contributions: dict = field(default_factory=lambda: dict.fromkeys(CONTRIBUTION_SUMS, 0))

    @property
    def address(self):
        return council_address(self.council) if self.council else None

    @property
    def health_cells(self):
        """``[(label, count)]`` in the health page's order of the choices."""
        return [(Pairing.Health(h).label, self.health[h]) for h in HEALTH]

    @property
    def adoptions_total(self):
        return sum(self.adoptions.values())

    def add(self, other):
        """Add ``other``'s counts to this row (the total row)."""
        self.members += other.members
        self.pairings += other.pairings
        for mine, theirs in (
            (self.health, other.health),
            (self.needs, other.needs),
            (self.adoptions, other.adoptions),
            (self.meeting_counts, other.meeting_counts),
            (self.contributions, other.contributions),
        ):
            for key, value in theirs.items():
                mine[key] += value or 0


def _members(year):
    return (
        Membership.objects.filter(joined_year__lte=year)
        .exclude(left_on__year__lt=year)
        .order_by()
        .values("council_id")
        .annotate(n=Count("id"))
    )


def _pairings(today):
    """Plain rows of every current pairing with its last visit: one query."""
    return (
        Pairing.objects.current(today)
        .with_last_visit()
        .order_by()
        .values_list("council_id", "started_on", "visit_cadence_days", "last_visited_on")
    )


def _needs(year):
    statuses = Need.Status
    return (
        Need.objects.filter(submitted_at__year=year)
        .order_by()
        .values("council_id")
        .annotate(
            raised=Count("id"),
            accepted=Count("id", filter=Q(status=statuses.ACCEPTED)),
            declined=Count("id", filter=Q(status=statuses.DECLINED)),
            pending=Count("id", filter=Q(status=statuses.PENDING)),
        )
    )


def _adoptions(year):
    kinds = Adoption.Kind
    return (
        Adoption.objects.filter(project__year=year)
        .order_by()
        .values(council=F("project__council_id"))
        .annotate(
            new=Count("id", filter=Q(kind=kinds.NEW)),
            renewal=Count("id", filter=Q(kind=kinds.RENEWAL)),
        )
    )


def _last_meetings(year):
    """Each council's last joint meeting held in the year: one query."""
    last = (
        JointMeeting.objects.filter(council=OuterRef("council"), held_on__year=year)
        .order_by("-held_on", "-id")
        .values("id")[:1]
    )
    return JointMeeting.objects.filter(held_on__year=year, id=Subquery(last)).order_by()


def _offered(year):
    return (
        Project.objects.filter(year=year)
        .exclude(status__in=[Project.Status.DRAFT, Project.Status.CANCELLED])
        .order_by()
        .values("council_id")
        .annotate(offered=Count("id"), seats=Sum("capacity"))
    )


def _adopted_at(meetings):
    return (
        Adoption.objects.filter(meeting__in=meetings)
        .order_by()
        .values(council=F("meeting__council_id"))
        .annotate(adopted_projects=Count("project", distinct=True), seats_taken=Count("id"))
    )


def rollup(year, today=None):
    """``(rows, total)``: one row per active council, in their order, and the district's."""
    today = today or timezone.localdate()
    with scopes_disabled():
        rows = {c.pk: Row(council=c) for c in Council.objects.filter(is_active=True)}

        def row(council_id):
            return rows.get(council_id) or Row()  # an inactive council's rows are not shown

        for r in _members(year):
            row(r["council_id"]).members = r["n"]
        for council_id, started_on, cadence, last_visited_on in _pairings(today):
            due = Pairing.visit_due_on(started_on, cadence, last_visited_on)
            target = row(council_id)
            target.pairings += 1
            target.health[Pairing.health_for(due, today, last_visited_on)] += 1
        for r in _needs(year):
            row(r["council_id"]).needs = {k: r[k] for k in NEED_COUNTS}
        for r in _adoptions(year):
            row(r["council"]).adoptions = {k: r[k] for k in ADOPTION_COUNTS}
        meetings = list(_last_meetings(year))
        for meeting in meetings:
            row(meeting.council_id).meeting = meeting
        for r in _offered(year):
            counts = row(r["council_id"]).meeting_counts
            counts["offered"], counts["seats"] = r["offered"], r["seats"] or 0
        for r in _adopted_at([m.pk for m in meetings]):
            counts = row(r["council"]).meeting_counts
            counts["adopted_projects"], counts["seats_taken"] = (
                r["adopted_projects"],
                r["seats_taken"],
            )
        confirmed = Contribution.objects.confirmed().in_year(year)
        for r in confirmed.totals_by("council_id"):
            row(r["council_id"]).contributions = {k: r[k] or 0 for k in CONTRIBUTION_SUMS}
    total = Row()
    for r in rows.values():
        total.add(r)
    return list(rows.values()), total

