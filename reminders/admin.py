import re
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import (
    Notification,
    NotificationPreference,
    OutboxState,
    Reminder,
    SmsMessage,
    SmsOptOut,
    WeComRobot,
)
from .outbox import redact, send_test_message
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


def channel_states(reminder):
    """(channel, state, attempts, last error) for each channel of one reminder."""
    rows = []
    for name in reminder.delivered_channels:
        rows.append((name, _("delivered"), "", ""))
    for item in reminder.robot_items.all():
        message = item.message
        if message is None:
            rows.append((f"wecom · {item.robot}", _("waiting to be batched"), "", ""))
        else:
            rows.append((f"wecom · {item.robot}", message.get_state_display(), message.attempts,
                         redact(message.last_error, item.robot)))
    for sms in reminder.sms_messages.all():
        rows.append(("sms", sms.get_state_display(), sms.attempts, sms.last_error))
    return rows



@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "due_on", "attempts", "sent_at", "channels", "last_error"]
    list_filter = [DeliveryStateFilter, "kind", "due_on"]
    list_select_related = ["recipient", "subject_type"]
    search_fields = ["recipient__username", "last_error"]
    date_hierarchy = "due_on"
    readonly_fields = [
        "recipient", "kind", "subject_type", "subject_id", "due_on", "created_at",
        "enqueued_at", "claimed_at", "lease_until", "sent_at", "cancelled_at",
        "delivered_channels", "attempts", "last_error", "channels",
    ]
    actions = ["retry_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            "robot_items__message", "robot_items__robot", "sms_messages"
        )

    @admin.display(description=_("channels"))
    def channels(self, obj):
        """Each channel's state, attempts and last error (a robot's key never shows)."""
        return format_html_join(
            mark_safe("<br>"), "<b>{}</b>: {} {} {}",
            ((name, state, f"×{attempts}" if attempts else "", error[:200])
             for name, state, attempts, error in channel_states(obj)),
        )

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


# --- channels outside the app ------------------------------------------------------------


def key_from(value):
    """The key, from either the key itself or the whole webhook address the office pasted."""
    value = value.strip()
    if "key=" in value:
        value = parse_qs(urlsplit(value).query).get("key", [""])[0]
    return value


class WeComRobotForm(forms.ModelForm):
    # Never rendered back into the page: the field stays empty and an empty field keeps the key.
    webhook_key = forms.CharField(
        label=_("webhook address or key"), required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Paste the robot's webhook address from 企业微信. Leave empty to keep the "
                    "current key; saving a new key lets a stopped robot send again."),
    )
    kinds = forms.TypedMultipleChoiceField(
        label=_("reminder kinds"), choices=Reminder.Kind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WeComRobot
        fields = ["name", "webhook_key", "district", "kinds", "is_active"]

    def clean_webhook_key(self):
        key = key_from(self.cleaned_data.get("webhook_key") or "")
        if key and not re.fullmatch(r"[A-Za-z0-9-]{8,100}", key):
            raise forms.ValidationError(_("This is not a robot's webhook key."))
        if not key and not (self.instance.pk and self.instance.webhook_key):
            raise forms.ValidationError(_("Paste the robot's webhook address."))
        return key

    def save(self, commit=True):
        robot = super().save(commit=False)
        key = self.cleaned_data["webhook_key"]
        if key:
            robot.webhook_key = key
            robot.broken_at = None
            robot.last_error = ""
        elif robot.pk:
            robot.webhook_key = WeComRobot.objects.values_list("webhook_key", flat=True).get(pk=robot.pk)
        if commit:
            robot.save()
        return robot


@admin.register(WeComRobot)
class WeComRobotAdmin(admin.ModelAdmin):
    form = WeComRobotForm
    list_display = ["name", "district", "kinds_shown", "masked_key", "is_active", "status", "waiting"]
    list_filter = ["is_active", "district"]
    list_select_related = ["district"]
    readonly_fields = ["masked_key", "status", "shown_last_error", "latest_messages"]
    fields = ["name", "masked_key", "webhook_key", "district", "kinds", "is_active", "status",
              "shown_last_error", "latest_messages"]
    change_form_template = "admin/reminders/wecomrobot/change_form.html"

    @admin.display(description=_("webhook key"))
    def masked_key(self, obj):
        return obj.masked_key if obj.pk else "—"

    @admin.display(description=_("reminder kinds"))
    def kinds_shown(self, obj):
        labels = dict(Reminder.Kind.choices)
        return "、".join(str(labels.get(kind, kind)) for kind in obj.kinds)

    @admin.display(description=_("state"))
    def status(self, obj):
        if not obj.pk:
            return "—"
        if obj.broken_at:
            return _("stopped: the key was rejected; save a new key")
        if obj.paused_until and obj.paused_until > timezone.now():
            return _("rate limited until %(time)s") % {
                "time": timezone.localtime(obj.paused_until).strftime("%H:%M:%S")}
        return _("working") if obj.is_active else _("off")

    @admin.display(description=_("last error"))
    def shown_last_error(self, obj):
        return redact(obj.last_error, obj) if obj.pk else ""

    @admin.display(description=_("latest messages"))
    def latest_messages(self, obj):
        if not obj.pk:
            return "—"
        rows = obj.messages.order_by("-created_at", "-pk")[:10]
        return format_html_join(
            mark_safe("<br>"), "{} · {} {} {}",
            ((timezone.localtime(m.created_at).strftime("%m-%d %H:%M"), m.get_state_display(),
              f"×{m.attempts}" if m.attempts else "", redact(m.last_error, obj)[:200]) for m in rows),
        ) or "—"

    @admin.display(description=_("waiting"))
    def waiting(self, obj):
        return obj.messages.filter(state=OutboxState.QUEUED).count()

    def has_delete_permission(self, request, obj=None):
        return False  # robots are switched off, not deleted: their messages are the record

    def get_urls(self):
        return [
            path("<int:pk>/test/", self.admin_site.admin_view(self.send_test),
                 name="reminders_wecomrobot_test"),
            *super().get_urls(),
        ]

    def send_test(self, request, pk):
        robot = get_object_or_404(WeComRobot, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, robot):
            raise PermissionDenied
        state, message = send_test_message(robot)
        if state == OutboxState.SENT:
            self.message_user(request, _("Test message sent: check the group."), messages.SUCCESS)
        else:
            self.message_user(
                request,
                _("The test message was not confirmed: %(error)s")
                % {"error": redact(message.last_error, robot) or message.get_state_display()},
                messages.ERROR,
            )
        return redirect("admin:reminders_wecomrobot_change", pk)


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ["phone", "template_code", "state", "attempts", "request_id", "sent_at", "last_error"]
    list_filter = ["state", "template_code"]
    search_fields = ["phone", "request_id"]
    readonly_fields = [f.name for f in SmsMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SmsOptOut)
class SmsOptOutAdmin(admin.ModelAdmin):
    list_display = ["phone", "created_at"]
    search_fields = ["phone"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Rows without a user are the office's defaults: e.g. SMS only for overdue visits."""

    list_display = ["__str__", "kind", "email", "sms"]
    list_filter = [("user", admin.EmptyFieldListFilter), "kind", "sms"]
    raw_id_fields = ["user"]
