"""Delivery channels. Each channel is a class with a ``name`` and ``send(reminder, message)``;
``REMINDER_CHANNELS`` lists the names in use.

The inbox and email send at once. The 企业微信 robot and SMS channels only queue a row
(``RobotItem``, ``SmsMessage``); the delivery task then wakes the sender (``outbox.py``),
which batches, keeps
the rate limits and the quiet hours, and records each provider's answer: a slow or failing
provider never holds up the reminder's other channels.
"""

import re
import time
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from units.models import Pairing

from .models import (
    Notification,
    NotificationPreference,
    Reminder,
    RobotItem,
    SmsMessage,
    SmsOptOut,
    WeComRobot,
)

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
        if not address or not wants(reminder, "email"):
            return
        delay = float(getattr(settings, "REMINDER_TEST_SEND_DELAY", 0) or 0)
        if delay:  # only the worker-crash test sets this, to kill a worker mid-send
            time.sleep(delay)
        body = message.body
        if message.link:
            body = f"{body}\n\n{settings.SITE_URL}{message.link}"
        send_mail(message.title, body, None, [address], fail_silently=False)


def wants(reminder, channel):
    """The recipient's choice for this kind of reminder (else the office's default)."""
    email, sms = NotificationPreference.for_user(reminder.recipient)[reminder.kind]
    return email if channel == "email" else sms


MOBILE = re.compile(r"^1[3-9]\d{9}$")


def mobile_of(user):
    """A liaison's mobile number (their unit's liaison phone), or "" when it is no mobile."""
    unit = user.unit if user.unit_id else None
    phone = re.sub(r"[\s-]", "", unit.liaison_phone) if unit else ""
    phone = phone.removeprefix("+86")
    return phone if MOBILE.match(phone) else ""


#: Markdown and HTML characters in names people typed become their full-width forms, so a
#: name can never turn into a link, an @-mention or formatting in the group.
_MARKDOWN_SAFE = str.maketrans("[]()<>*_`#~|&\\", "［］（）＜＞＊＿｀＃～｜＆＼")


def markdown_text(text):
    return text.translate(_MARKDOWN_SAFE)


def dedup_key(reminder, subject):
    """What a reminder is about, without its recipient: one line in a group per thing."""
    if not isinstance(subject, (Pairing,)) and reminder.kind in (
        Reminder.Kind.DIGEST, Reminder.Kind.VISIT_ESCALATION
    ):
        return f"{reminder.kind}:office:{reminder.due_on.isoformat()}"
    return f"{reminder.kind}:{reminder.subject_type_id}:{reminder.subject_id}:{reminder.due_on.isoformat()}"


def district_of(subject):
    if isinstance(subject, Pairing):
        return subject.community.district_id
    return None


def _insert_once(model, **fields):
    """Create the row unless its unique key exists (a redelivered reminder). The row, or None."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        return None


@register
class WeComChannel:
    """The office's 企业微信 group robots, routed by reminder kind and 片区."""

    name = "wecom"

    def send(self, reminder, message):
        district = district_of(message.subject)
        robots = [r for r in WeComRobot.objects.filter(is_active=True) if r.takes(reminder.kind, district)]
        if not robots:
            return
        link = f"{settings.SITE_URL}{message.link}" if message.link else ""
        lines = [f"**{markdown_text(message.title)}**", markdown_text(message.body).replace("\n", "\n> ")]
        content = "\n> ".join(lines) + (f"\n[{markdown_text(link_label())}]({link})" if link else "")
        mention = mobile_of(reminder.recipient)
        key = dedup_key(reminder, message.subject)
        for robot in robots:
            _insert_once(RobotItem, robot=robot, reminder=reminder, dedup_key=key,
                         content="> " + content, mention=mention)


def link_label():
    from django.utils.translation import gettext

    return gettext("Open")


@register
class SmsChannel:
    """SMS to a liaison's mobile: an approved template with parameters, never free text."""

    name = "sms"

    def send(self, reminder, message):
        template = settings.SMS_TEMPLATES.get(reminder.kind)
        if not (settings.SMS_GATEWAY_URL and template):
            return
        phone = mobile_of(reminder.recipient)
        if not (phone and wants(reminder, "sms")):
            return
        if SmsOptOut.objects.filter(phone=phone).exists():
            return
        out_id = uuid.uuid4()
        _insert_once(
            SmsMessage, reminder=reminder, phone=phone, dedup_key=dedup_key(reminder, message.subject),
            template_code=template, out_id=out_id,
            params={"name": sms_param(str(message.subject)), "date": message.date, "code": out_id.hex},
        )


def sms_param(text, limit=20):
    """A template parameter: providers refuse long ones and any that look like links."""
    text = re.sub(r"[\x00-\x1f\x7f]|https?://|www\.", "", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
