"""Time the reminder sweep and count its queries at two data sizes.

Builds N pairings and N milestones (plus units, liaisons, visits, projects and adoptions)
inside a transaction that is rolled back afterwards, so the database is left as it was and
nothing reaches the broker. Run: ``.venv/bin/python manage.py bench_sweep`` (or
``.venv/bin/python manage.py shell < bench/sweep_bench.py``).
"""

import datetime
import time

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from projects.models import Adoption, JointMeeting, Milestone, Project
from units.models import Community, District, MemberUnit, Pairing, Visit
from reminders.models import Reminder
from reminders.tasks import sweep_and_enqueue

PER_UNIT = 100  # pairings per unit (one per community)


class Rollback(Exception):
    pass


def build(n, today):
    D = datetime.timedelta
    district = District.objects.create(name="基准测试片区", kind=District.Kind.COMMUNITY)
    communities = Community.objects.bulk_create(
        Community(name=f"基准测试村居{i}", kind=Community.Kind.VILLAGE, district=district)
        for i in range(PER_UNIT)
    )
    n_units = -(-n // PER_UNIT)
    units = MemberUnit.objects.bulk_create(
        MemberUnit(
            name=f"基准测试单位{i}", category=MemberUnit.Category.ENTERPRISE, joined_year=2010
        )
        for i in range(n_units)
    )
    User = get_user_model()
    User.objects.bulk_create(
        [User(username=f"bench-liaison-{u.pk}", unit=u, password="!") for u in units]
        + [User(username=f"bench-staff-{i}", is_staff=True, password="!") for i in range(2)]
    )
    # Next visits spread from 60 days overdue to 60 days ahead.
    pairings = Pairing.objects.bulk_create(
        Pairing(
            community=communities[i % PER_UNIT],
            unit=units[i // PER_UNIT],
            mode=Pairing.Mode.SELF_INITIATED,
            visit_cadence_days=90,
            started_on=today - D(90) + D(i % 121 - 60),
        )
        for i in range(n)
    )
    Visit.objects.bulk_create(
        Visit(pairing=p, visited_on=p.started_on + D(30), visitors="基准", activities="基准")
        for p in pairings[::3]
    )
    meeting = JointMeeting.objects.create(title="基准测试联席会议", held_on=today + D(10))
    projects = Project.objects.bulk_create(
        Project(
            title=f"基准测试项目{i}", description="基准", category="convenience",
            community=communities[i % PER_UNIT], year=today.year, status=Project.Status.ADOPTED,
        )
        for i in range(n // 10)
    )
    Adoption.objects.bulk_create(
        Adoption(project=p, unit=units[i % n_units], meeting=meeting)
        for i, p in enumerate(projects)
    )
    Milestone.objects.bulk_create(
        Milestone(
            project=projects[i // 10],
            title=f"节点{i}",
            due_on=today + D(i % 121 - 60),
            done_on=today if i % 4 == 0 else None,
        )
        for i in range(n)
    )


def measure(today):
    ContentType.objects.clear_cache()  # count the content-type lookup every time
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        created, enqueued = sweep_and_enqueue(today)
    return time.perf_counter() - started, len(ctx.captured_queries), created, enqueued


class Command(BaseCommand):
    help = "Benchmark the reminder sweep at two data sizes (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("sizes", nargs="*", type=int, default=[3000, 30000])

    # The demo and bench data span councils: they say which council each row is for.
    @scopes_disabled()
    def handle(self, *args, sizes, **options):
        today = timezone.localdate()
        self.stdout.write(f"database: {connection.vendor}")
        self.stdout.write(
            "pairings+milestones | sweep  | seconds | queries | reminders created | enqueued"
        )
        for n in sizes:
            try:
                with transaction.atomic():
                    Reminder.objects.all().delete()
                    build(n, today)
                    for label in ("first", "again"):
                        seconds, queries, created, enqueued = measure(today)
                        self.stdout.write(
                            f"{n:>8,} + {n:<8,} | {label:<6} | {seconds:7.2f} | {queries:7d} "
                            f"| {created:17,d} | {enqueued:,d}"
                        )
                    raise Rollback
            except Rollback:
                pass
