"""Views of the projects app, one module per audience; urls.py names them from here."""

from .adopt import meeting_live, meeting_screen, meeting_screen_stats, project_adopt  # noqa: F401
from .liaison import (  # noqa: F401
    milestone_done,
    my_project,
    my_project_complete,
    my_projects,
    my_renewals,
    renewal_confirm,
    renewal_drop,
)
from .meetings import (  # noqa: F401
    meeting_create,
    meeting_edit,
    meeting_export,
    meeting_list,
    meeting_qr_sheet,
    meeting_record,
    meeting_renewals,
    meeting_rollover,
    meeting_signing_sheet,
    meeting_window,
    meeting_withdraw,
)
from .needs import (  # noqa: F401
    match_accept,
    match_decline,
    match_open_project,
    match_propose,
    my_needs,
    need_decline,
    need_detail,
    need_inbox,
    need_link,
    resource_needs,
    three_lists,
)
from .office import project_create, project_edit, project_transition  # noqa: F401
from .public import (  # noqa: F401
    home,
    need_create,
    need_lookup,
    need_track,
    progress_photo,
    project_archive,
    project_detail,
    project_list,
    project_qr,
)
