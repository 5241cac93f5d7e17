"""The records' other pages run the same number of queries for few rows and for many."""

import datetime

import pytest
from django.urls import reverse

from projects.models import ProgressPhoto, ProgressUpdate, Project
from tests.factories import AdoptionFactory, PairingFactory, ProjectFactory, VisitFactory
from tests.queries import assert_same_queries, get_queries
from tests.records.conftest import make_contribution

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year


def _grow(unit, n):
    """``n`` more adopted projects (each with a photo), visits and contributions for ``unit``."""
    for _ in range(n):
        project = ProjectFactory(year=YEAR, status=Project.Status.IN_PROGRESS, adopted_count=1)
        AdoptionFactory(project=project, unit=unit)
        update = ProgressUpdate.objects.create(project=project, text="进展")
        ProgressPhoto.objects.create(update=update, image="progress/x.jpg")
        pairing = PairingFactory(unit=unit, community=project.community)
        VisitFactory(pairing=pairing, visited_on=datetime.date(YEAR, 1, 5))
        make_contribution(unit, project, contributed_on=datetime.date(YEAR, 1, 5))
        make_contribution(unit, pairing=pairing, kind="venue", amount=None, description="会议室",
                          contributed_on=datetime.date(YEAR, 1, 6))  # fmt: skip


@pytest.mark.parametrize(
    "who, url",
    [
        ("staff", lambda u: reverse("records:contribution-list") + "?status=all"),
        ("liaison", lambda u: reverse("records:my-contributions")),
        ("liaison", lambda u: reverse("records:unit-record", args=[u.pk, YEAR])),
        ("anon", lambda u: reverse("records:annual-report", args=[YEAR])),
        ("staff", lambda u: reverse("records:annual-report", args=[YEAR])),
    ],
    ids=["contribution-list", "my-contributions", "unit-record", "report", "report-staff"],
)
def test_its_query_count_does_not_grow(persona_clients, unit_a, who, url):
    client = persona_clients[who]
    _grow(unit_a, 2)
    few = get_queries(client, url(unit_a))
    _grow(unit_a, 12)
    assert_same_queries(few, get_queries(client, url(unit_a)))
