from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AnnualAssessment, AssessmentFinalisation, Contribution


@admin.register(Contribution)
class ContributionAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "kind", "amount", "people", "hours", "contributed_on", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "description", "note"]
    date_hierarchy = "contributed_on"
    raw_id_fields = ["unit", "project", "pairing"]
    readonly_fields = ["recorded_by", "confirmed_by", "confirmed_at"]

    def has_delete_permission(self, request, obj=None):
        # A contribution people rely on is corrected, never deleted.
        return False


@admin.register(AnnualAssessment)
class AnnualAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "year", "rating", "finalised_at"]
    list_filter = ["year", "rating"]
    list_select_related = ["unit"]
    search_fields = ["unit__name"]
    readonly_fields = ["figures", "finalised_at", "finalised_by"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssessmentFinalisation)
class AssessmentFinalisationAdmin(admin.ModelAdmin):
    list_display = ["year", "finalised_at", "finalised_by", "unit_count"]
    list_filter = ["year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
