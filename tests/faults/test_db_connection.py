"""The database connection a worker keeps between requests (CONN_MAX_AGE), checked before
each request uses it (CONN_HEALTH_CHECKS): a connection the server has closed is replaced."""

import select

import psycopg
import pytest
from django.core.signals import request_started
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own check"),
]


def _a_request_begins():
    """What Django does as each request starts (the test client leaves it out)."""
    request_started.send(sender=None)


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_connection_the_server_closed_is_replaced_before_the_next_request_uses_it():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    pid = _backend_pid()
    socket = connection.connection.fileno()
    # As a server restart or an idle timeout would: the server ends this one session.
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert select.select([socket], [], [], 5)[0], "the server's goodbye never arrived"

    _a_request_begins()
    assert _backend_pid() != pid  # a new connection, and no error for this request
