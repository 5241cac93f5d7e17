"""Time the registry import's preview of a generated workbook (1,000 rows by default).

Nothing is kept: the workbook is made up, and everything runs in a transaction that is
rolled back at the end.
"""

import io
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from units import dataio
from units.models import District
from core import exports


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Prints how long the registry import takes to preview a 1,000-row workbook."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1000)

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

        started = time.perf_counter()
        preview = dataio.run_import(data, file_name="bench.xlsx")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"preview of {rows} new rows: {elapsed:.2f} s "
            f"({preview.total(dataio.NEW)} new, {preview.error_count} errors)"
        )
        started = time.perf_counter()
        dataio.run_import(data, file_name="bench.xlsx", commit=True)
        self.stdout.write(f"import of {rows} new rows: {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        preview = dataio.run_import(data, file_name="bench.xlsx")
        self.stdout.write(
            f"preview of the same {rows} rows again: {time.perf_counter() - started:.2f} s "
            f"({preview.total(dataio.UNCHANGED)} unchanged, "
            f"{preview.total(dataio.CHANGED)} changed, {preview.error_count} errors)"
        )
