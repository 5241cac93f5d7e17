"""Spreadsheets of the projects app, written through ``core.exports`` (text stays text)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import xlsx_response


def meeting_adoptions(meeting):
    """A meeting's adoptions in the order they were recorded, with what a row shows."""
    return meeting.adoptions.select_related("unit", "project__community").order_by(
        "recorded_at", "id"
    )


def meeting_xlsx(meeting):
    """The adoptions of one joint meeting as an XLSX download, one row per adoption."""
    header = [
        _("No."),
        _("Member unit"),
        _("Project"),
        _("Community"),
        _("Category"),
        _("Kind"),
        _("Commitment"),
        _("Recorded at"),
    ]
    rows = (
        [
            n,
            a.unit.name,
            a.project.title,
            a.project.community.name,
            str(a.project.get_category_display()),
            str(a.get_kind_display()),
            a.commitment,
            timezone.localtime(a.recorded_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for n, a in enumerate(meeting_adoptions(meeting), start=1)
    )
    widths = (6, 28, 28, 16, 12, 10, 50, 18)
    return xlsx_response(
        f"adoptions-{meeting.held_on.isoformat()}.xlsx",
        [(meeting.held_on.year, header, rows, widths)],
    )
