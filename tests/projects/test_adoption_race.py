"""Twenty units adopt at the same instant: the counter never goes over capacity.

Each thread has its own database connection and all start together at a barrier. Run on
PostgreSQL (DATABASE_URL set) and on SQLite (a file database in WAL mode with IMMEDIATE
transactions); ``.ci/run`` runs this file on both.
"""

import contextvars
import threading

import pytest
from django.db import close_old_connections, connection

from projects.actions import AdoptionError, AlreadyAdoptedByUnit, AlreadyTaken, adopt
from projects.models import Adoption, Project
from tests.factories import JointMeetingFactory, MemberUnitFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


def _race(project, units, meeting):
    """Run adopt() for every unit in its own thread and connection; return the outcomes."""
    barrier = threading.Barrier(len(units))
    outcomes = [None] * len(units)

    def worker(i, unit):
        try:
            barrier.wait(timeout=30)
            adopt(project, unit, meeting, commitment=f"承诺{i}")
            outcomes[i] = "won"
        except AlreadyTaken:
            outcomes[i] = "taken"
        except AlreadyAdoptedByUnit:
            outcomes[i] = "duplicate"
        except AdoptionError as exc:  # pragma: no cover - shows up in the assertion
            outcomes[i] = f"refused: {exc}"
        except Exception as exc:  # pragma: no cover
            outcomes[i] = f"crashed: {exc!r}"
        finally:
            connection.close()

    # Each thread runs in the test's council scope, as each request runs in its own.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(worker, i, u))
        for i, u in enumerate(units)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()
    return outcomes


def test_it_lets_exactly_one_of_twenty_units_adopt_a_single_seat():
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=1)
    units = [MemberUnitFactory() for _ in range(THREADS)]

    outcomes = _race(project, units, meeting)

    assert outcomes.count("won") == 1, outcomes
    assert outcomes.count("taken") == THREADS - 1, outcomes
    project.refresh_from_db()
    assert project.adopted_count == 1
    assert project.status == Project.Status.ADOPTED
    assert Adoption.objects.filter(project=project).count() == 1


def test_it_fills_three_seats_and_no_more():
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=3)
    units = [MemberUnitFactory() for _ in range(THREADS)]

    outcomes = _race(project, units, meeting)

    assert outcomes.count("won") == 3, outcomes
    assert outcomes.count("taken") == THREADS - 3, outcomes
    project.refresh_from_db()
    assert project.adopted_count == 3
    assert project.status == Project.Status.ADOPTED
    assert Adoption.objects.filter(project=project).count() == 3
    assert Adoption.objects.filter(project=project).values("unit").distinct().count() == 3


def test_it_records_one_adoption_when_a_unit_double_clicks_twenty_times():
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=3)
    unit = MemberUnitFactory()

    outcomes = _race(project, [unit] * THREADS, meeting)

    assert outcomes.count("won") == 1, outcomes
    assert outcomes.count("duplicate") == THREADS - 1, outcomes
    project.refresh_from_db()
    assert project.adopted_count == 1
    assert project.status == Project.Status.OPEN
    assert Adoption.objects.filter(project=project, unit=unit).count() == 1
