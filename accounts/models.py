from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in.

    Office staff (党建办) have ``is_staff``. A liaison (联络员) is linked to exactly one
    member unit and acts for it; everyone else is a resident and needs no account.
    """

    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    unit = models.ForeignKey(
        "units.MemberUnit",
        verbose_name=_("member unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaisons",
        help_text=_("Set for a liaison: the member unit this person acts for."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def deactivate(self):
        """Switch the account off, never delete it (history keeps the name); the apps that
        hold something for the user (a calendar feed) hear of it through ``user_deactivated``
        in the same transaction. Returns False if it was already off."""
        from .signals import user_deactivated

        if not self.is_active:
            return False
        with transaction.atomic():
            self.is_active = False
            self.save(update_fields=["is_active"])
            user_deactivated.send(sender=type(self), user=self)
        return True
