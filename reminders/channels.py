"""Delivery channels. Each channel is a class with a ``name`` and ``send(reminder, message)``;
``REMINDER_CHANNELS`` lists the names in use. SMS or WeCom are added the same way: write the
class, ``register`` it, add its name to the setting.
"""

import time

from django.conf import settings
from django.core.mail import send_mail

from .models import Notification

registry = {}


def register(cls):
    registry[cls.name] = cls
    return cls


def active_channels():
    return [registry[name]() for name in settings.REMINDER_CHANNELS]


@register
class InAppChannel:
    """The user's in-app inbox. One entry per reminder: a redelivery finds the first one."""

    name = "in_app"

    def send(self, reminder, message):
        Notification.objects.get_or_create(
            reminder=reminder,
            defaults={
                "user_id": reminder.recipient_id,
                "title": message.title,
                "body": message.body,
                "link": message.link,
            },
        )


@register
class EmailChannel:
    """Email through Django's backend: the console by default, SMTP when EMAIL_HOST is set."""

    name = "email"

    def send(self, reminder, message):
        address = reminder.recipient.email
        if not address:
            return
        delay = float(getattr(settings, "REMINDER_TEST_SEND_DELAY", 0) or 0)
        if delay:  # only the worker-crash test sets this, to kill a worker mid-send
            time.sleep(delay)
        body = message.body
        if message.link:
            body = f"{body}\n\n{settings.SITE_ROOT.rstrip('/')}{message.link}"
        send_mail(message.title, body, None, [address], fail_silently=False)
