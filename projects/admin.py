from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Adoption,
    JointMeeting,
    Match,
    Milestone,
    Need,
    ProgressPhoto,
    ProgressUpdate,
    Project,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title", "community", "category", "year", "status", "adopted_count", "capacity"]
    list_filter = ["status", "category", "year", "key_works"]
    list_select_related = ["community"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["community", "previous"]
    inlines = [MilestoneInline]


@admin.register(Need)
class NeedAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "community", "category", "source", "status", "submitted_at"]
    list_filter = ["status", "category", "source"]
    list_select_related = ["community"]
    search_fields = ["text"]


@admin.register(JointMeeting)
class JointMeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "held_on", "venue", "adoption_open"]


@admin.register(Adoption)
class AdoptionAdmin(SimpleHistoryAdmin):
    list_display = ["project", "unit", "meeting", "kind", "recorded_at"]
    list_filter = ["kind", "meeting"]
    list_select_related = ["project", "unit", "meeting"]
    autocomplete_fields = ["project", "unit", "renewal_of"]
    search_fields = ["project__title", "unit__name"]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "due_on", "done_on"]
    list_select_related = ["project"]


class ProgressPhotoInline(admin.TabularInline):
    model = ProgressPhoto
    extra = 0


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "created_at"]
    list_select_related = ["project"]
    inlines = [ProgressPhotoInline]


@admin.register(Match)
class MatchAdmin(SimpleHistoryAdmin):
    list_display = ["need", "resource", "proposed_by", "status", "created_at"]
    list_filter = ["status", "proposed_by"]
    list_select_related = ["need", "resource"]
    raw_id_fields = ["need", "resource", "project"]

    def has_delete_permission(self, request, obj=None):
        return False  # a declined match stays on record with its reason
