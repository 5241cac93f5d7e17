"""Import communities, member units and pairings from an XLSX workbook (all or nothing)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from units import dataio


class Command(BaseCommand):
    help = (
        "Imports the registry from an XLSX workbook (sheets 村居, 成员单位, 结对, or one file "
        "per kind). Prints the preview; writes nothing if any row fails or with --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.xlsx")
        parser.add_argument("--dry-run", action="store_true", help="preview only, write nothing")
        parser.add_argument("--user", help="the username the history records as the importer")

    def handle(self, *args, files, dry_run, user, **options):
        translation.activate("zh-hans")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"no user {user!r}")
        datas = []
        for name in files:
            try:
                datas.append(Path(name).read_bytes())
            except OSError as exc:
                raise CommandError(f"{name}: {exc.strerror}") from None
        names = "、".join(Path(name).name for name in files)
        try:
            # Several files (one per kind) are one import: all of them or none.
            preview = dataio.run_import(datas, user=importer, file_name=names, commit=not dry_run)
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
