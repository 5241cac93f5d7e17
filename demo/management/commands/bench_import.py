"""Time the registry import's preview of a generated workbook (1,000 rows by default).

Nothing is kept: the workbook is made up, and everything runs in a transaction that is
rolled back at the end. Each figure is wall time and this process's CPU time: on a busy
machine the wall time is mostly waiting for the database, the CPU time is the import's own.
"""

import io
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django_scopes import scopes_disabled

from units import dataio
from units.models import District
from core import exports


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Prints how long the registry import takes to preview a 1,000-row workbook."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1000)

    # The demo and bench data span councils: they say which council each row is for.
    @scopes_disabled()
    def handle(self, *args, rows, **options):
        translation.activate("zh-hans")
        try:
            with transaction.atomic():
                self._run(rows)
                raise Rollback
        except Rollback:
            pass

    def _run(self, rows):
        district, _ = District.objects.get_or_create(
            name="压测片区", defaults={"kind": District.Kind.COMMUNITY, "position": 99}
        )
        n_communities, n_pairings = rows // 10, rows * 3 // 10
        n_units = rows - n_communities - n_pairings
        communities = [
            [None, f"压测村{i:04d}", "村", district.name, "是"] for i in range(n_communities)
        ]
        units = [
            [None, f"压测单位{i:04d}", "新经济组织", "", f"压测单位{i:04d}党支部", district.name,
             2000 + i % 25, "", "", ""]
            for i in range(n_units)
        ]  # fmt: skip
        pairings = [
            [None, f"压测村{i % n_communities:04d}", f"压测单位{i:04d}", "", "", "",
             "2024-01-01", None, 90, "有效", None, ""]
            for i in range(n_pairings)
        ]  # fmt: skip
        sheets = [
            (dataio.SHEET_TITLES[kind], dataio._headers_of(kind), data, None)
            for kind, data in [
                (dataio.COMMUNITIES, communities),
                (dataio.UNITS, units),
                (dataio.PAIRINGS, pairings),
            ]
        ]
        buffer = io.BytesIO()
        exports.workbook(sheets).save(buffer)
        data = buffer.getvalue()
        self.stdout.write(f"workbook: {rows} rows, {len(data) / 1024:.0f} KB")

        def timed(label, data, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            preview = dataio.run_import(data, file_name="bench.xlsx", **kwargs)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            self.stdout.write(
                f"{label}: {wall:.2f} s (CPU {cpu:.2f} s; {preview.total(dataio.NEW)} new, "
                f"{preview.total(dataio.UNCHANGED)} unchanged, "
                f"{preview.total(dataio.CHANGED)} changed, {preview.error_count} errors, "
                f"{preview.tick_count} asked about)"
            )

        timed(f"preview of {rows} new rows", data)
        timed(f"import of {rows} new rows", data, commit=True)
        timed(f"preview of the same {rows} rows again", data)
        # The worst case for the near-name check: every new name is one character away
        # from an existing one, so each row gets a “是否指…” suggestion.
        for row in communities + units:
            row[1] = row[1] + "甲"
        sheets = [(title, headers, cells, None) for title, headers, cells, _ in sheets[:2]]
        buffer = io.BytesIO()
        exports.workbook(sheets).save(buffer)
        timed(f"preview of {len(communities) + len(units)} near names", buffer.getvalue())
