from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notification, Reminder
from .tasks import enqueue_deliveries


class DeliveryStateFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("failed", _("failed (not sent, has an error)")),
            ("pending", _("not sent yet")),
            ("sent", _("sent")),
            ("cancelled", _("cancelled")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "failed":
            return queryset.filter(sent_at=None, cancelled_at=None).exclude(last_error="")
        if value == "pending":
            return queryset.filter(sent_at=None, cancelled_at=None)
        if value == "sent":
            return queryset.exclude(sent_at=None)
        if value == "cancelled":
            return queryset.exclude(cancelled_at=None)
        return queryset


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "kind", "recipient", "due_on", "subject_type", "subject_id",
        "attempts", "sent_at", "last_error",
    ]
    list_filter = [DeliveryStateFilter, "kind", "due_on"]
    list_select_related = ["recipient", "subject_type"]
    search_fields = ["recipient__username", "last_error"]
    date_hierarchy = "due_on"
    readonly_fields = [
        "recipient", "kind", "subject_type", "subject_id", "due_on", "created_at",
        "enqueued_at", "claimed_at", "lease_until", "sent_at", "cancelled_at",
        "delivered_channels", "attempts", "last_error",
    ]
    actions = ["retry_now"]

    @admin.action(description=_("Retry the selected reminders now"))
    def retry_now(self, request, queryset):
        enqueue_deliveries(
            list(queryset.filter(sent_at=None, cancelled_at=None).values_list("pk", flat=True))
        )

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "created_at", "read_at"]
    list_filter = ["read_at"]
    list_select_related = ["user"]
    search_fields = ["title", "user__username"]
    raw_id_fields = ["user", "reminder"]
