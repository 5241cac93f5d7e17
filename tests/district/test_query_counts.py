"""The district's pages run the same number of queries for 2 councils and for 4, however
many rows each has: every figure is one query grouped by council."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from records.models import AnnualAssessment, AssessmentFinalisation, Contribution
from tests.district.conftest import YEAR, member
from tests.factories import (
    AdoptionFactory,
    CommunityFactory,
    DistrictFactory,
    JointMeetingFactory,
    MemberUnitFactory,
    NeedFactory,
    PairingFactory,
    ProjectFactory,
    VisitFactory,
)
from tests.queries import assert_same_queries, get_queries
from units.models import Council

pytestmark = pytest.mark.django_db


def _council(n, rows):
    """A council with ``rows`` of each kind: units, pairings with visits, needs, adopted
    projects, contributions and finalised assessments."""
    council = Council.objects.create(name=f"测试街镇{n}", slug=f"town{n}", position=n)
    community = CommunityFactory(district=DistrictFactory(name=f"测试片区{n}", council=council))
    meeting = JointMeetingFactory(
        council=council, held_on=datetime.date(YEAR, 11, 28), adoption_open=False
    )
    for i in range(rows):
        unit = MemberUnitFactory()
        member(unit, council)
        pairing = PairingFactory(community=community, unit=unit)
        VisitFactory(pairing=pairing, visited_on=datetime.date(YEAR, 5, 1 + i))
        NeedFactory(community=community)
        project = ProjectFactory(community=community, year=YEAR, status="adopted", adopted_count=1)
        AdoptionFactory(project=project, unit=unit, meeting=meeting)
        Contribution.objects.create(unit=unit, project=project, kind="funds", amount=100,
                                    contributed_on=datetime.date(YEAR, 6, 1), status="confirmed",
                                    confirmed_at=timezone.now())  # fmt: skip
        AnnualAssessment.objects.create(council=council, unit=unit, year=YEAR, rating="good",
                                        figures={"visits_made": 1, "funds": 100.0},
                                        finalised_at=timezone.now())  # fmt: skip
    AssessmentFinalisation.objects.create(council=council, year=YEAR, unit_count=rows)


@pytest.mark.parametrize(
    "url",
    [
        reverse("district:rollup") + f"?year={YEAR}",
        reverse("district:report", args=[YEAR]),
    ],
)
def test_its_query_count_does_not_grow_with_councils(dora_client, url):
    for n in (1, 2):
        _council(n, rows=1)
    small = get_queries(dora_client, url)
    for n in (3, 4):
        _council(n, rows=3)
    large = get_queries(dora_client, url)

    assert_same_queries(small, large)
    page = dora_client.get(url).content.decode()
    assert all(f"测试街镇{n}" in page for n in range(1, 5))
