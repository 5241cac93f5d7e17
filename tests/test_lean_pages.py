"""Public pages describe themselves to search engines; the header badges are readable and
speak their count."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from projects.models import Project
from tests.factories import JointMeetingFactory, NeedFactory, ProjectFactory
from reminders.models import Notification

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "app.css"


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.descriptions = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "description":
            self.descriptions.append(attrs.get("content") or "")


def _description(html):
    parser = _Meta()
    parser.feed(html)
    assert len(parser.descriptions) == 1, parser.descriptions
    return parser.descriptions[0]


@pytest.fixture
def public_urls(db):
    project = ProjectFactory(status=Project.Status.OPEN, description="为独居老人安装紧急呼叫设备")
    need = NeedFactory(community=project.community)
    meeting = JointMeetingFactory()
    return [
        "/", "/structure/", "/stats/", "/projects/", "/projects/archive/", "/needs/new/",
        f"/projects/{project.pk}/",
        f"/needs/track/{need.tracking_code}/",
        f"/meetings/{meeting.pk}/screen/",
    ]


def test_it_gives_every_public_page_its_own_meta_description(anon, public_urls):
    descriptions = {}
    for url in public_urls:
        response = anon.get(url)
        assert response.status_code == 200, url
        description = _description(response.content.decode())
        assert len(description) >= 10, (url, description)
        descriptions[url] = description
    assert len(set(descriptions.values())) == len(public_urls), descriptions
    assert "紧急呼叫设备" in descriptions[public_urls[6]]


def _hex_luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _resolve(value, variables):
    value = value.strip()
    match = re.fullmatch(r"var\((--[\w-]+)\)", value)
    return variables[match.group(1)] if match else value


def test_the_badge_text_has_a_contrast_of_at_least_4_5_to_1():
    css = CSS.read_text()
    variables = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    rule = re.search(r"^\.badge \{([^}]*)\}", css, re.MULTILINE).group(1)
    props = dict(
        (name.strip(), value) for name, value in
        (decl.split(":", 1) for decl in re.sub(r"/\*.*?\*/", "", rule).split(";") if ":" in decl)
    )
    fg = _hex_luminance(_resolve(props["color"], variables))
    bg = _hex_luminance(_resolve(props["background"], variables))
    ratio = (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05)
    assert ratio >= 4.5, f"{ratio:.2f}:1"


def test_the_inbox_badge_speaks_its_count_as_visually_hidden_text(liaison_client, liaison):
    for title in ("走访即将到期", "节点逾期", "联席会议"):
        Notification.objects.create(user=liaison, title=title)
    body = liaison_client.get(reverse("reminders:badge")).content.decode()
    assert 'class="badge" aria-hidden="true">3</span>' in body
    assert '<span class="visually-hidden">3 条未读</span>' in body
    assert "aria-label" not in body


def test_the_needs_badge_speaks_what_it_counts(staff_client):
    NeedFactory()
    page = staff_client.get("/").content.decode()
    assert '<span class="badge">1<span class="visually-hidden"> 待审核</span></span>' in page
