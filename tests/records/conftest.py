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
