"""Absolute links carry the configured site address (SITE_URL), whatever Host the page was
opened with: the office PC opens the QR sheet as 127.0.0.1, phones need its LAN address."""

import pytest
from django.urls import reverse

from tests.factories import JointMeetingFactory, ProjectFactory

pytestmark = pytest.mark.django_db

LAN = "http://192.168.1.10:8000"


def test_it_prints_qr_links_to_the_site_url_not_the_host_it_was_opened_on(
    staff_client, settings
):
    settings.SITE_URL = LAN
    meeting = JointMeetingFactory()
    project = ProjectFactory(title="社区法律诊所")
    response = staff_client.get(
        reverse("projects:meeting-qr-sheet", args=[meeting.pk]), HTTP_HOST="127.0.0.1"
    )
    html = response.content.decode()
    assert f"{LAN}/projects/{project.pk}/adopt/" in html
    assert "http://127.0.0.1" not in html
    assert "手机无法访问" not in html


@pytest.mark.parametrize("name", ["projects:meeting-list", "projects:meeting-qr-sheet"])
def test_it_shows_the_site_url_and_warns_when_phones_cannot_reach_it(staff_client, settings, name):
    meeting = JointMeetingFactory()
    url = reverse(name, args=[meeting.pk] if name.endswith("sheet") else [])
    settings.SITE_URL = "http://127.0.0.1:8000"
    html = staff_client.get(url).content.decode()
    assert "http://127.0.0.1:8000" in html and "手机无法访问" in html
    settings.SITE_URL = LAN
    html = staff_client.get(url).content.decode()
    assert LAN in html and "手机无法访问" not in html


def test_it_gives_calendar_subscriptions_the_site_url(liaison_client, settings):
    settings.SITE_URL = LAN
    response = liaison_client.get(reverse("opendata:my-calendar"), HTTP_HOST="127.0.0.1")
    assert response.context["feed_url"].startswith(f"{LAN}/")
