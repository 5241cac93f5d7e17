from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
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
    council = models.ForeignKey(
        "units.Council",
        verbose_name=_("council"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_(
            "Office staff: the council they work for. Staff without a council work for the "
            "district (the roll-up of every council)."
        ),
    )
    #: The logout epoch: sessions signed in before this moment open nothing. Kept in the
    #: database, so a cache that comes back with an older copy of a session (Redis restored
    #: from its append-only file) cannot undo a logout or a deactivation.
    sessions_valid_after = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def get_session_auth_hash(self):
        """Django's check of every signed-in request (password hash) plus the logout epoch.

        Django stores this hash in the session at sign-in and compares it on each request;
        a changed password or a new epoch makes every older session sign nobody in.
        """
        epoch = self.sessions_valid_after.isoformat() if self.sessions_valid_after else ""
        return salted_hmac(
            "accounts.User.get_session_auth_hash", f"{self.password}\n{epoch}", algorithm="sha256"
        ).hexdigest()

    def end_sessions(self):
        """Sign this user out everywhere (logout, deactivation): a new epoch, saved now."""
        self.sessions_valid_after = timezone.now()
        self.save(update_fields=["sessions_valid_after"])

    def deactivate(self):
        """Switch the account off, never delete it (history keeps the name), and end its
        sessions; the apps that hold something for the user (a calendar feed) hear of it
        through ``user_deactivated`` in the same transaction. Returns False if it was
        already off."""
        from .signals import user_deactivated

        if not self.is_active:
            return False
        with transaction.atomic():
            self.is_active = False
            self.sessions_valid_after = timezone.now()
            self.save(update_fields=["is_active", "sessions_valid_after"])
            user_deactivated.send(sender=type(self), user=self)
        return True
