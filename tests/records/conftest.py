import pytest

from records.models import Contribution
from tests.factories import AdoptionFactory, PairingFactory, ProjectFactory


@pytest.fixture
def adopted_project(unit_a):
    """A project bob's unit adopted this year."""
    project = ProjectFactory(status="in_progress", adopted_count=1)
    AdoptionFactory(project=project, unit=unit_a)
    return project


@pytest.fixture
def other_project(unit_b):
    """A project carol's unit adopted."""
    project = ProjectFactory(status="in_progress", adopted_count=1)
    AdoptionFactory(project=project, unit=unit_b)
    return project


@pytest.fixture
def pairing_a(unit_a):
    return PairingFactory(unit=unit_a)


def make_contribution(unit, project=None, pairing=None, **fields):
    fields.setdefault("kind", Contribution.Kind.FUNDS)
    fields.setdefault("amount", 1000)
    return Contribution.objects.create(unit=unit, project=project, pairing=pairing, **fields)


def busy_year(unit, year, rows):
    """``rows`` visits over three new pairings and ``rows`` goods contributions for ``unit``,
    spread over ``year`` (row i on day i * 365 // rows), made with bulk_create."""
    import datetime

    from tests.factories import CommunityFactory
    from units.models import Visit

    pairings = [PairingFactory(unit=unit, community=CommunityFactory()) for _ in range(3)]
    days = [datetime.date(year, 1, 1) + datetime.timedelta(days=i * 365 // rows) for i in range(rows)]
    Visit.objects.bulk_create(
        Visit(pairing=pairings[i % 3], visited_on=day, visitors="走访人", households_visited=2,
              activities=f"第{i}次走访：慰问困难群众")  # fmt: skip
        for i, day in enumerate(days)
    )
    Contribution.objects.bulk_create(
        Contribution(unit=unit, pairing=pairings[i % 3], kind="goods", amount=100,
                     description=f"第{i}批慰问品", contributed_on=day)  # fmt: skip
        for i, day in enumerate(days)
    )
