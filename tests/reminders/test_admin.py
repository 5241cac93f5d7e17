import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from reminders.models import Reminder

pytestmark = pytest.mark.django_db


def reminder(user, error="", sent=False, day=1):
    return Reminder.objects.create(
        recipient=user,
        kind=Reminder.Kind.MILESTONE_OVERDUE,
        subject_type=ContentType.objects.get_for_model(user),
        subject_id=day,
        due_on=datetime.date(2026, 6, day),
        attempts=3 if error else 1,
        last_error=error,
        sent_at=timezone.now() if sent else None,
    )


def test_office_staff_can_list_failed_reminders(staff_client, staff, liaison):
    staff.is_superuser = True
    staff.save()
    reminder(liaison, error="email: SMTPServerDisconnected('relay went away')", day=1)
    reminder(liaison, sent=True, day=2)
    url = reverse("admin:reminders_reminder_changelist")
    page = staff_client.get(url, {"state": "failed"}).content.decode()
    assert "relay went away" in page
    assert page.count('class="action-select"') == 1
    all_rows = staff_client.get(url).content.decode()
    assert all_rows.count('class="action-select"') == 2


def test_liaisons_cannot_open_the_reminder_admin(liaison_client):
    response = liaison_client.get(reverse("admin:reminders_reminder_changelist"))
    assert response.status_code == 302
