"""Import communities, member units and pairings from .xlsx, .xls or CSV (all or nothing)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope

from units import dataio
from units.models import Council


class Command(BaseCommand):
    help = (
        "Imports the registry from .xlsx, .xls or CSV files (sheets 村居, 成员单位, 结对, or one "
        "file per kind). Prints the preview; writes nothing if any row fails or with --dry-run. "
        "Renames by 编号 and names close to existing ones are left out unless --accept-all."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="preview only, write nothing")
        parser.add_argument("--user", help="the username the history records as the importer")
        parser.add_argument(
            "--accept-all",
            action="store_true",
            help="import the renames by 编号 and the names close to existing ones too",
        )
        parser.add_argument(
            "--council",
            metavar="SLUG",
            help="the council the registry is for (its slug); the first council if left out",
        )

    def handle(self, *args, council=None, **options):
        council_id = Council.first_id()
        if council:
            council_id = Council.objects.filter(slug=council).values_list("pk", flat=True).first()
            if council_id is None:
                raise CommandError(f"no council {council!r}")
        # The import reads and writes one council's registry, as the office's page does.
        with scope(council=council_id):
            self.import_files(**options)

    def import_files(self, *, files, dry_run, user, accept_all, **options):
        translation.activate("zh-hans")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"no user {user!r}")
        datas = []
        for name in files:
            try:
                with open(name, "rb") as f:
                    # Never more than the limit in memory, as for an upload.
                    data = f.read(dataio.MAX_UPLOAD_BYTES + 1)
            except OSError as exc:
                raise CommandError(f"{name}: {exc.strerror}") from None
            if len(data) > dataio.MAX_UPLOAD_BYTES:
                message = _("%(file)s: larger than %(size)s MB; split it.")
                size = dataio.MAX_UPLOAD_BYTES // (1024 * 1024)
                raise CommandError(message % {"file": name, "size": size})
            datas.append(data)
        names = "、".join(Path(name).name for name in files)
        try:
            # Several files (one per kind) are one import: all of them or none.
            preview = dataio.run_import(
                datas,
                user=importer,
                file_name=names,
                commit=not dry_run,
                accepted=None if accept_all or dry_run else {},
            )
        except dataio.FileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(dataio.preview_text(preview))
        if preview.error_count:
            message = _("%(file)s: rows have errors; nothing was written.")
            self.stdout.write(self.style.ERROR(message % {"file": names}))
            raise CommandError(_("The import failed: correct the errors above and try again."))
        if preview.committed:
            message = _("%(file)s: imported.")
            self.stdout.write(self.style.SUCCESS(message % {"file": names}))
        else:
            message = _("%(file)s: preview only (--dry-run); nothing was written.")
            self.stdout.write(message % {"file": names})
