"""What accounts tell the apps above them. Receivers live in the app that cares
(opendata revokes the calendar feed), so accounts imports none of them."""

from django.dispatch import Signal

#: A user was switched off (``User.deactivate``), inside its transaction. Sent with ``user``.
user_deactivated = Signal()
