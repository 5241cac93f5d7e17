"""What reminders does when the domain apps and accounts tell it something (their signals).

Connected in ``RemindersConfig.ready``; each runs inside the sender's transaction, so an
inbox entry or a settled notice commits with the write that caused it, or not at all.
"""

from accounts import usercache

from .models import Notification


def tell_unit(sender, unit_id, title, link, **kwargs):
    """``projects.signals.unit_told``: an inbox entry for each of the unit's liaisons."""
    Notification.objects.tell_unit(unit_id, title, link)


def settle_visit(sender, visit, **kwargs):
    """``units.signals.visit_recorded``: the pairing's visit notices are done."""
    Notification.objects.settle_visit(visit.pairing)


def inbox_changed(sender, **kwargs):
    """A notification saved or deleted: cached unread counts are stale after the commit."""
    usercache.inbox_changed()


def connect():
    from django.db.models.signals import post_delete, post_save

    from projects.signals import unit_told
    from units.signals import visit_recorded

    unit_told.connect(tell_unit, dispatch_uid="reminders-tell-unit")
    visit_recorded.connect(settle_visit, dispatch_uid="reminders-settle-visit")
    post_save.connect(inbox_changed, sender=Notification, dispatch_uid="usercache-Notification-save")
    post_delete.connect(
        inbox_changed, sender=Notification, dispatch_uid="usercache-Notification-delete"
    )
