from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Who subscribes to a private calendar; the secret itself is never shown here."""

    list_display = ["user", "created_at", "reset_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__unit__name"]
    fields = ["user", "created_at", "reset_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected calendar addresses"))
    def revoke(self, request, queryset):
        for feed in queryset.select_related("user"):
            CalendarFeed.revoke_for(feed.user)
