"""Reminders (提醒) and the in-app inbox (站内通知).

A ``Reminder`` is one message to one recipient about one thing due on one date. The sweep
(``sweep.py``) creates the rows set-based and the unique constraint keeps it idempotent; a
delivery claims a row with a conditional update and a lease before it sends, so a crashed or
redelivered task can run again without sending twice what it already recorded as sent.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import usercache


class Reminder(models.Model):
    class Kind(models.TextChoices):
        VISIT_DUE = "visit_due", _("visit due")
        VISIT_OVERDUE = "visit_overdue", _("visit overdue")
        VISIT_ESCALATION = "visit_escalation", _("visit long overdue")
        MILESTONE_DUE = "milestone_due", _("milestone due")
        MILESTONE_OVERDUE = "milestone_overdue", _("milestone overdue")
        MEETING = "meeting", _("joint meeting coming up")
        DIGEST = "digest", _("weekly digest")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What the reminder is about: a pairing, a milestone, a joint meeting, or (for the
    # digest) the recipient. Never null, so the unique constraint holds on every database.
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("subject type"), on_delete=models.CASCADE, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    subject = GenericForeignKey("subject_type", "subject_id")
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Delivery bookkeeping: enqueued by the sweep, claimed with a lease, then sent.
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    enqueue_batch = models.UUIDField(_("enqueue batch"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    delivered_channels = models.JSONField(_("delivered channels"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_type", "subject_id", "due_on"],
                name="one_reminder_per_recipient_subject_and_date",
            )
        ]
        indexes = [
            models.Index(fields=["sent_at", "cancelled_at"], name="reminder_unsent"),
            models.Index(fields=["due_on"], name="reminder_due_on"),
            # What was sent about a pairing (its last escalation on the health page).
            models.Index(fields=["subject_type", "subject_id", "kind"], name="reminder_subject"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} ({self.due_on})"

    @property
    def is_failed(self):
        return self.sent_at is None and bool(self.last_error)

    # --- delivery state, each change a conditional update -------------------------

    @classmethod
    def claim(cls, pk, now=None):
        """Take the lease on an unsent reminder. True only for the one caller that got it."""
        now = now or timezone.now()
        lease = datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
        return bool(
            cls.objects.filter(pk=pk, sent_at=None, cancelled_at=None)
            .filter(Q(lease_until=None) | Q(lease_until__lt=now))
            .update(claimed_at=now, lease_until=now + lease, attempts=F("attempts") + 1)
        )

    def mark_channel_delivered(self, name):
        self.delivered_channels = [*self.delivered_channels, name]
        type(self).objects.filter(pk=self.pk).update(delivered_channels=self.delivered_channels)

    def mark_sent(self):
        self.sent_at = timezone.now()
        type(self).objects.filter(pk=self.pk).update(
            sent_at=self.sent_at, lease_until=None, last_error=""
        )

    def mark_cancelled(self):
        self.cancelled_at = timezone.now()
        type(self).objects.filter(pk=self.pk).update(
            cancelled_at=self.cancelled_at, lease_until=None
        )

    def release(self, error):
        """A send failed: record why and give the lease back so a retry can claim it."""
        self.last_error = error[:2000]
        type(self).objects.filter(pk=self.pk).update(last_error=self.last_error, lease_until=None)


class SweepState(models.Model):
    """What the last reminder sweep found due, as a fingerprint of its rows.

    Kept in the database with the reminders it describes: it commits and rolls back with
    them, and a restored cache cannot make the sweep skip rows that do not exist."""

    name = models.CharField(max_length=50, primary_key=True)
    fingerprint = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.name}: {self.fingerprint[:12]}"


class NotificationQuerySet(models.QuerySet):
    """"Unread" has one definition: ``unread()``; everything that counts it goes through here.

    Writes that send no signal (``update``, ``bulk_create``) tell the user cache themselves:
    the unread count is cached with the user (``accounts.usercache``).
    """

    def update(self, **kwargs):
        count = super().update(**kwargs)
        if count:
            usercache.inbox_changed()
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            usercache.inbox_changed()
        return created

    def unread(self):
        return self.filter(read_at=None)

    def unread_count(self, user):
        return self.filter(user=user).unread().count()

    def unread_count_subquery(self, user_ref):
        """The same count as a correlated subquery, for loading it with the user."""
        counts = (
            self.filter(user=user_ref).unread().order_by()
            .values("user").annotate(n=models.Count("pk")).values("n")
        )
        return Coalesce(models.Subquery(counts), 0)

    def tell_unit(self, unit_id, title, link):
        """An inbox entry for each of the unit's active liaisons."""
        return self.bulk_create(
            self.model(user=user, title=str(title)[:200], link=link)
            for user in get_user_model().objects.filter(unit_id=unit_id, is_active=True)
        )

    def mark_all_read(self, user):
        return self.filter(user=user).unread().update(read_at=timezone.now())

    def settle_visit(self, pairing):
        """A visit was recorded: its 'visit due/overdue' notices are done, read or not."""
        return (
            self.unread()
            .filter(
                reminder__kind__in=[Reminder.Kind.VISIT_DUE, Reminder.Kind.VISIT_OVERDUE],
                reminder__subject_type=ContentType.objects.get_for_model(type(pairing)),
                reminder__subject_id=pairing.pk,
            )
            .update(read_at=timezone.now())
        )


class Notification(models.Model):
    """An entry in a user's in-app inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # One inbox entry per reminder at most: a redelivered reminder finds its entry.
    reminder = models.OneToOneField(
        Reminder,
        verbose_name=_("reminder"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.title

    def mark_read(self):
        if self.read_at is None:
            self.read_at = timezone.now()
            type(self).objects.filter(pk=self.pk).unread().update(read_at=self.read_at)


# --- channels outside the app: 企业微信 group robots and SMS ---------------------------


class OutboxState(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    #: The request left and no answer came back (a worker killed mid-send, a dropped
    #: connection). Never sent again: a robot has no way to ask whether it arrived.
    UNCERTAIN = "uncertain", _("sent, unconfirmed")
    FAILED = "failed", _("failed")


def mask_secret(value):
    """What the admin and the logs may show of a secret: its last four characters."""
    return f"••••{value[-4:]}" if len(value) > 8 else "••••"


class WeComRobot(models.Model):
    """A 企业微信 (政务微信) group robot the office registered, and what it is told.

    The webhook key is a secret (anyone with it can post to the group): shown masked in the
    admin, never logged, never in a page's HTML.
    """

    name = models.CharField(_("name"), max_length=100)
    webhook_key = models.CharField(
        _("webhook key"), max_length=200,
        help_text=_("The key=… part of the robot's webhook address."),
    )
    district = models.ForeignKey(
        "units.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Leave empty for the office group: it gets reminders about every district."),
    )
    kinds = models.JSONField(_("reminder kinds"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    #: Rate limited by the platform (errcode 45009): nothing is sent before this.
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True)
    #: The platform said the key is invalid (errcode 93000): nothing is sent until the
    #: office saves a new key.
    broken_at = models.DateTimeField(_("key rejected at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    #: Only one worker sends for a robot at a time (its rate limit is per robot).
    flush_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("WeCom group robot")
        verbose_name_plural = _("WeCom group robots")

    def __str__(self):
        return self.name

    @property
    def masked_key(self):
        return mask_secret(self.webhook_key)

    def takes(self, kind, district_id):
        """Whether a reminder of ``kind`` about something in ``district_id`` goes here."""
        if not self.is_active or kind not in self.kinds:
            return False
        return self.district_id is None or self.district_id == district_id


class RobotItem(models.Model):
    """One thing a robot is to tell its group, waiting to be batched into a message.

    ``dedup_key`` names the thing (kind, subject, date): the reminders of three liaisons of
    one unit about one pairing make one line in the group, not three.
    """

    robot = models.ForeignKey(WeComRobot, on_delete=models.CASCADE, related_name="items")
    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="robot_items"
    )
    dedup_key = models.CharField(max_length=120)
    content = models.TextField()
    mention = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    message = models.ForeignKey(
        "RobotMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["robot", "dedup_key"], name="one_robot_item_per_thing")
        ]


class RobotMessage(models.Model):
    """One request to a robot: a batch of items as markdown, or the text that @-mentions."""

    class Type(models.TextChoices):
        MARKDOWN = "markdown", "markdown"
        TEXT = "text", "text"

    robot = models.ForeignKey(WeComRobot, on_delete=models.CASCADE, related_name="messages")
    msgtype = models.CharField(max_length=10, choices=Type.choices, default=Type.MARKDOWN)
    content = models.TextField()
    mentions = models.JSONField(default=list, blank=True)
    is_test = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=OutboxState.choices, default=OutboxState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("robot message")
        verbose_name_plural = _("robot messages")
        indexes = [models.Index(fields=["robot", "state"], name="robotmessage_robot_state")]


class SmsMessage(models.Model):
    """One SMS: an approved template with parameters to one mobile number, sent once.

    ``out_id`` goes to the gateway with the send: after a send with no answer, the gateway is
    asked whether it took that id before anything is sent again.
    """

    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="sms_messages"
    )
    phone = models.CharField(_("mobile"), max_length=20)
    dedup_key = models.CharField(max_length=120)
    template_code = models.CharField(_("template"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict)
    out_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=OutboxState.choices, default=OutboxState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    request_id = models.CharField(_("provider request id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        constraints = [
            models.UniqueConstraint(fields=["phone", "dedup_key"], name="one_sms_per_number_and_thing")
        ]
        indexes = [models.Index(fields=["state"], name="smsmessage_state")]


class SmsOptOut(models.Model):
    """A mobile number that asked for no more SMS (kept, never deleted)."""

    phone = models.CharField(_("mobile"), max_length=20, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")

    def __str__(self):
        return self.phone


class NotificationPreference(models.Model):
    """提醒偏好: which channels a user wants for one kind of reminder.

    A row without a user is the office's default for that kind; a user's own row wins. The
    inbox always gets the reminder; robots are routed by the office, not per person.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="notification_preferences",
        help_text=_("Empty: the office's default for everyone."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Reminder.Kind.choices)
    email = models.BooleanField(_("email"), default=True)
    sms = models.BooleanField(_("SMS"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_user_and_kind"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(user=None), name="one_office_default_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.user or _('office default')}: {self.get_kind_display()}"

    @classmethod
    def for_user(cls, user):
        """{kind: (email, sms)} for ``user``: their own choice, else the office's, else
        email on and SMS off."""
        chosen = {kind: (True, False) for kind in Reminder.Kind.values}
        rows = cls.objects.filter(Q(user=None) | Q(user=user)).order_by(F("user").asc(nulls_first=True))
        for row in rows.values_list("kind", "email", "sms"):
            chosen[row[0]] = (row[1], row[2])
        return chosen
