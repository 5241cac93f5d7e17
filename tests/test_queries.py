"""The suite's query-count helper fails loudly, with every query of both runs."""

import pytest

from tests.factories import DistrictFactory
from tests.queries import assert_same_queries, capture_queries
from units.models import District

pytestmark = pytest.mark.django_db


def _runs(n):
    with capture_queries() as queries:
        for district in District.objects.all()[:n]:
            list(district.communities.all())
    return queries


def test_it_prints_every_query_of_both_runs_when_the_count_grows():
    DistrictFactory.create_batch(3)

    with pytest.raises(pytest.fail.Exception) as failure:
        assert_same_queries(_runs(1), _runs(3))

    message = str(failure.value)
    assert "2 queries at the small size, 4 at the large" in message
    assert [line[:3] for line in message.splitlines() if line[:1].isdigit()][1:] == [
        "1. ", "2. ", "1. ", "2. ", "3. ", "4. "
    ]


def test_it_fails_past_the_upper_bound_even_when_the_count_is_flat():
    DistrictFactory.create_batch(2)

    assert_same_queries(_runs(2), _runs(2))
    with pytest.raises(pytest.fail.Exception, match="at most 2"):
        assert_same_queries(_runs(2), _runs(2), at_most=2)
