"""A liaison's private calendar feed: a secret URL their phone's calendar subscribes to."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(32)


class CalendarFeedQuerySet(models.QuerySet):
    def usable(self):
        """Feeds that still answer: not revoked, and their liaison's account is active."""
        return self.filter(
            revoked_at__isnull=True, user__is_active=True, user__unit__isnull=False
        )


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reset_at = models.DateTimeField(_("reset at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def reset(self):
        """A new secret URL; the old one stops working at once."""
        self.token = new_token()
        self.reset_at = timezone.now()
        self.revoked_at = None
        self.save(update_fields=["token", "reset_at", "revoked_at"])

    @classmethod
    def revoke_for(cls, user):
        """The account is switched off: its feed stops answering, and its token is replaced
        so that reactivating the account does not bring the old URL back."""
        return cls.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), token=new_token()
        )
