"""Writes that span several models."""

from django.db import IntegrityError, transaction

from .models import Visit
from .signals import visit_recorded


def record_visit(form, *, pairing, user, client_id=None):
    """Store the visit in a valid VisitForm and settle its pairing's visit notices.

    The visit and the settling (reminders receives ``visit_recorded``) commit together or
    not at all: a notice is never marked done for a visit that was not stored.

    Returns ``(visit, created)``. A ``client_id`` already stored for this pairing returns
    that visit with ``created=False``; one stored for another pairing raises
    ``Visit.DoesNotExist`` (the id is not this visit's)."""
    if client_id is not None:
        existing = Visit.objects.filter(client_id=client_id).first()
        if existing is not None:
            return _same_visit(existing, pairing), False
    visit = form.save(commit=False)
    visit.pairing = pairing
    visit.recorded_by = user
    visit.client_id = client_id
    try:
        with transaction.atomic():
            visit.save()
            visit_recorded.send(sender=Visit, visit=visit)
    except IntegrityError:
        # The same id arrived from another tab between the check and the insert.
        existing = Visit.objects.filter(client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        return _same_visit(existing, pairing), False
    return visit, True


def _same_visit(existing, pairing):
    if existing.pairing_id != pairing.pk:
        raise Visit.DoesNotExist("that visit id belongs to another pairing")
    return existing
