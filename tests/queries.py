"""The suite's one query-count helper: every "same number of queries at two sizes" test
uses it, and a failure prints each query of both runs (as Zulip's
``assert_database_query_count`` does), so the one that grew is there to read.
"""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.freshness.models import MemoisedVersion
from tests.oncommit import run_pending


class Queries:
    """The SQL statements one block ran."""

    def __init__(self):
        self.captured = []

    def __len__(self):
        return len(self.captured)

    def __str__(self):
        return "\n".join(f"{n}. {q['sql']}" for n, q in enumerate(self.captured, start=1))


@contextmanager
def capture_queries():
    """The queries of the block; what the test wrote before it has committed by then."""
    run_pending()
    queries = Queries()
    with CaptureQueriesContext(connection) as context:
        yield queries
    queries.captured = context.captured_queries


def get_queries(client, url, *, status=200, **kwargs):
    """The queries of one GET, which must answer ``status``.

    The GET reads each memoised data version once, whenever the last read was: a count
    must not depend on whether a second went by since.
    """
    run_pending()
    MemoisedVersion.forget_all()
    with capture_queries() as queries:
        response = client.get(url, **kwargs)
        if response.streaming:  # a streamed body sends its queries as it is read
            b"".join(response.streaming_content)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    assert response.get("X-Page-Cache") != "hit", (
        f"{url} came from the page cache: a write without a signal (bulk_create, update) "
        "must bump the data version, as production code does"
    )
    return queries


def assert_same_queries(small, large, *, at_most=None):
    """The count must not grow with the rows (and stay within ``at_most``, if given).

    The large size may take fewer: the first request loaded the signed-in user into the
    user cache, which the second reads from Redis."""
    if len(large) <= len(small) and (at_most is None or len(large) <= at_most):
        return
    limit = f" (at most {at_most})" if at_most is not None else ""
    pytest.fail(
        f"{len(small)} queries at the small size, {len(large)} at the large{limit}.\n"
        f"--- small:\n{small}\n--- large:\n{large}",
        pytrace=False,
    )
