"""Dates for machines: the ``datetime`` attribute of ``<time>``."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_datetime(value):
    """``value`` as an HTML valid date or date-time string, in local time, to the second.

    Django's ``|date:"c"`` keeps microseconds, which HTML does not allow (at most three
    digits of a fraction)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
