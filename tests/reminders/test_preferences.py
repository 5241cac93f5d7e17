"""提醒偏好: channels per reminder kind on the user's account pages."""

import pytest
from django.urls import reverse

from reminders.models import NotificationPreference

pytestmark = pytest.mark.django_db
URL = reverse("reminders:preferences")


@pytest.fixture
def sms_on(settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    settings.SMS_TEMPLATES = {"visit_overdue": "SMS_100", "meeting": "SMS_200"}


def test_a_liaison_chooses_email_and_sms_per_kind(liaison, liaison_client, sms_on):
    NotificationPreference.objects.create(user=None, kind="visit_overdue", email=True, sms=True)
    page = liaison_client.get(URL).content.decode()
    assert "走访逾期" in page and "联席会议" in page
    assert 'name="visit_overdue" value="sms"' in page and 'name="visit_due" value="sms"' not in page
    assert "周报" not in page  # an office kind
    response = liaison_client.post(URL, {"visit_overdue": ["sms"], "meeting": ["email", "sms"]})
    assert response.status_code == 302
    chosen = NotificationPreference.for_user(liaison)
    assert chosen["visit_overdue"] == (False, True)
    assert chosen["meeting"] == (True, True)
    assert chosen["visit_due"] == (False, False)  # unticked: no email either
    assert NotificationPreference.objects.get(user=None, kind="visit_overdue").email  # office default kept


def test_the_office_default_is_what_a_user_sees_first(liaison, liaison_client, sms_on):
    NotificationPreference.objects.create(user=None, kind="meeting", email=False, sms=True)
    form = liaison_client.get(URL).context["form"]
    assert form["meeting"].initial == ["sms"]
    assert form["visit_overdue"].initial == ["email"]


def test_sms_is_not_offered_to_an_opted_out_number_or_a_unit_without_a_mobile(liaison, liaison_client, unit_a, sms_on):
    from reminders.models import SmsOptOut

    SmsOptOut.objects.create(phone=unit_a.liaison_phone)
    page = liaison_client.get(URL).content.decode()
    assert 'value="sms"' not in page
    assert "已按您的要求停止" in page
    liaison_client.post(URL, {"visit_overdue": ["email", "sms"]})
    assert NotificationPreference.for_user(liaison)["visit_overdue"] == (True, False)
    unit_a.liaison_phone = ""
    unit_a.save()
    page = liaison_client.get(URL).content.decode()
    assert 'value="sms"' not in page and "尚未登记手机号" in page


def test_office_staff_choose_for_the_digest_and_escalations(staff_client):
    page = staff_client.get(URL).content.decode()
    assert "周报" in page
    assert 'name="digest"' in page and 'name="visit_escalation"' in page
    assert 'name="visit_due"' not in page


def test_an_unknown_channel_or_kind_changes_nothing(liaison, liaison_client, sms_on):
    response = liaison_client.post(URL, {"visit_overdue": ["fax"], "digest": ["email"]})
    assert response.status_code == 200  # the form says what is wrong
    assert not NotificationPreference.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(anon):
    response = anon.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
