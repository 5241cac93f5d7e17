"""Version counters kept in the database, bumped right after the write commits.

A cache may lose a write, come back from disk with old data, or be flushed; the database
cannot disagree with itself. So what says "the data changed" lives here, and the caches only
hold copies keyed by it: a restored cache holds keys nobody asks for any more.
"""

import time

from django.db import connection, models


class DataVersion(models.Model):
    name = models.CharField(max_length=50, primary_key=True)
    value = models.BigIntegerField()

    def __str__(self):
        return f"{self.name}={self.value}"

    @classmethod
    def bump(cls, name):
        """One statement (in autocommit after the write, so its row lock is held only briefly).

        A missing row starts from the clock in milliseconds, so a counter that was lost
        (a restored or recreated database) never goes back to numbers an old cache holds.
        """
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (name, value) VALUES (%s, %s) "
                f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + 1",
                [name, int(time.time() * 1000)],
            )

    @classmethod
    def read(cls, name):
        return cls.objects.filter(name=name).values_list("value", flat=True).first() or 0
