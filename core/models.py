"""Abstract models the apps share."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Audited(models.Model):
    """Who created a row and when, and its full history (django-simple-history): the
    office answers "who changed this, and from what" for every record people rely on."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
