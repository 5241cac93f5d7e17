"""What the registry tells the apps above it. Reminders receives these, so units imports
nothing from reminders (docs/architecture.md)."""

from django.dispatch import Signal

#: A visit was recorded (``units.actions.record_visit``), sent inside its transaction with
#: ``visit``: reminders marks the pairing's "visit due / overdue" notices done.
visit_recorded = Signal()
