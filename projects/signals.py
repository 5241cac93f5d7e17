"""What the projects app tells the apps above it. Reminders receives these and writes the
inbox entries, so projects imports nothing from reminders (docs/architecture.md)."""

from django.dispatch import Signal

#: A member unit's liaisons should hear of something: sent with ``unit_id``, ``title`` (shown
#: in their inbox) and ``link`` (where the entry leads). Sent inside the action's transaction.
unit_told = Signal()
