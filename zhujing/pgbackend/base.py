"""Django's PostgreSQL backend with a liveness check that asks the socket first.

With ``CONN_HEALTH_CHECKS`` Django checks a persistent connection before the first query of
every request, and its PostgreSQL backend does that with a ``SELECT 1``: a whole round trip
to the server, for every page and every adoption POST. A connection the server has closed
(a restart, ``pg_terminate_backend``, an idle timeout) has a readable socket: the server
sent its goodbye and closed its end. So the check first asks the operating system whether
anything is waiting to be read, without sending anything. Nothing waiting, the connection
idle and not broken: it is usable. Anything waiting: the full ``SELECT 1``, as before.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            waiting, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if waiting:
            return super().is_usable()
        return True
