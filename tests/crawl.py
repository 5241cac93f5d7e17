"""One crawl of every page the personas reach, shared by the tests that read pages whole
(tests/test_valid_html.py, tests/test_date_pickers.py).

The crawl starts from every route that takes no argument plus the pages of a small but
complete data set, and follows the links on each page as anonymous resident, liaison (bob)
and office staff (alice). It costs minutes, so the first test that asks for it crawls and
the others read the same pages: the pages are plain strings, kept after the first test's
transaction is rolled back, together with the few facts about the data the tests check.
"""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import NoReverseMatch
from django.utils import timezone

from projects.models import ProgressUpdate, Project, RenewalProposal
from reminders.models import Notification
from tests.factories import (
    AdoptionFactory,
    JointMeetingFactory,
    MilestoneFactory,
    NeedFactory,
    PairingFactory,
    ProjectFactory,
    ResourceFactory,
    VisitFactory,
)
from tests.urlwalk import app_routes
from units.models import PartyBranch

#: Django's admin is Django's markup, files and the language switch are not pages.
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/i18n/", "/accounts/logout/")
#: Routes that only answer htmx with a fragment of a page, never a page of their own.
FRAGMENTS = {"/inbox/badge/"}
#: Enough of each page's query-string variants (filters, pages) to see every state.
VARIANTS_PER_PATH = 3
MAX_PAGES_PER_PERSONA = 400


#: Attributes that name other elements by id.
ID_REFERENCES = ("for", "aria-describedby", "aria-labelledby", "aria-controls", "list", "form")


class Links(HTMLParser):
    """The page's links, and its id references that lead nowhere (vnu does not check
    ``aria-describedby``)."""

    def __init__(self):
        super().__init__()
        self.hrefs = []
        self.ids = set()
        self.references = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ID_REFERENCES:
            if name == "for" and tag != "label" or name == "form" and tag == "form":
                continue
            for ref in (attrs.get(name) or "").split():
                self.references.append((self.getpos()[0], tag, name, ref))

    def dangling(self):
        return [(line, f"“{name}” on <{tag}> names “{ref}”, no element has that id")
                for line, tag, name, ref in self.references if ref not in self.ids]


def _local(href, base):
    href = urldefrag(href).url
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path if parts.path.startswith("/") else base.rsplit("/", 1)[0] + "/" + parts.path
    if path.startswith(SKIPPED_PREFIXES) or path in FRAGMENTS:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def crawl(client, seeds):
    """Every HTML page reachable from ``seeds`` by following links: {url: html}."""
    pages, queue, seen, variants = {}, list(seeds), set(seeds), {}
    while queue and len(pages) < MAX_PAGES_PER_PERSONA:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        parser = Links()
        parser.feed(html)
        for href in parser.hrefs:
            link = _local(href, url)
            if link is None or link in seen:
                continue
            path = link.split("?", 1)[0]
            if "?" in link:
                variants[path] = variants.get(path, 0) + 1
                if variants[path] > VARIANTS_PER_PATH:
                    continue
            seen.add(link)
            queue.append(link)
    return pages


def build_site(unit_a, unit_b, liaison, other_liaison, staff):
    """A small data set in which every kind of page has something to show."""
    pairing = PairingFactory(unit=unit_a)
    PairingFactory(unit=unit_b, community=pairing.community)
    VisitFactory(pairing=pairing)
    PartyBranch.objects.create(name="测试田头党支部", kind="field", unit=unit_a)
    PartyBranch.objects.create(name="测试网格党支部", kind="grid", community=pairing.community)
    meeting = JointMeetingFactory(adoption_open=True)
    last_year = JointMeetingFactory(held_on=meeting.held_on.replace(year=2025), adoption_open=False)
    ProjectFactory(community=pairing.community, status=Project.Status.OPEN)
    adopted = ProjectFactory(
        community=pairing.community, status=Project.Status.IN_PROGRESS, adopted_count=1
    )
    adoption = AdoptionFactory(project=adopted, unit=unit_a, meeting=meeting)
    MilestoneFactory(project=adopted)
    MilestoneFactory(project=adopted)
    MilestoneFactory(project=adopted, done_on=timezone.localdate(), evidence="已验收")
    ProgressUpdate.objects.create(project=adopted, text="已完成第一批扶手安装", author=liaison)
    old = ProjectFactory(
        community=pairing.community, status=Project.Status.COMPLETED, year=2025, adopted_count=1
    )
    old_adoption = AdoptionFactory(project=old, unit=unit_a, meeting=last_year)
    RenewalProposal.objects.create(meeting=meeting, previous_adoption=old_adoption, unit=unit_a)
    NeedFactory(community=pairing.community)
    NeedFactory(community=pairing.community, status="accepted")
    # A resource of bob's unit: /my/needs/ then offers it in a select for each need.
    ResourceFactory(unit=unit_a, communities=[pairing.community])
    for user in (liaison, other_liaison, staff):
        Notification.objects.create(user=user, title="走访即将到期", link="/my/pairings/")
        Notification.objects.create(
            user=user, title="已读的提醒", link="/my/projects/", read_at=timezone.now()
        )
    return {"pairing": pairing, "meeting": meeting, "adoption": adoption}


def seeds():
    """Every route that takes no argument; the others are reached by following links."""
    urls = ["/"]
    for route in app_routes():
        if route.converters:
            continue
        try:
            url = route.url()
        except NoReverseMatch:  # a regular-expression route with groups (the SMS opt-out)
            continue
        if not url.startswith(SKIPPED_PREFIXES) and url not in FRAGMENTS:
            urls.append(url)
    return urls


def with_errors(client, url):
    """The form at ``url`` sent empty: the page as it shows field errors."""
    response = client.post(url, {})
    assert response.status_code in (200, 400), url
    assert 'class="error"' in response.content.decode(), url
    return response.content.decode()



_crawled = {}


@pytest.fixture
def crawled(unit_a, unit_b, liaison, other_liaison, staff):
    """{"pages": {"<persona> <url>": html}, "facts": ..., "days": ...}, crawled once per run."""
    if not _crawled:
        first_day = timezone.localdate()
        site = build_site(unit_a, unit_b, liaison, other_liaison, staff)
        meeting, pairing = site["meeting"], site["pairing"]
        adopted = site["adoption"].project
        extra = [
            f"/meetings/{meeting.pk}/screen/",
            f"/office/meetings/{meeting.pk}/qr/",
            f"/office/meetings/{meeting.pk}/signing-sheet/",
            f"/office/meetings/{meeting.pk}/record/",
            f"/office/meetings/{meeting.pk}/renewals/",
        ]
        extra_by_persona = {
            "resident": [],
            "bob": [f"/my/projects/{adopted.pk}/contributions/new/"],
            "alice": [f"/registry/units/{pairing.unit_id}/"],
        }
        pages = {}
        for name, user in (("resident", None), ("bob", liaison), ("alice", staff)):
            client = Client()
            if user is not None:
                client.force_login(user)
            for url, html in crawl(client, seeds() + extra + extra_by_persona[name]).items():
                pages[f"{name} {url}"] = html
        for name, user, url in [
            ("resident", None, "/needs/new/"),
            ("bob", liaison, f"/my/pairings/{pairing.pk}/visits/new/"),
            ("alice", staff, "/registry/pairings/new/"),
        ]:
            client = Client()
            if user is not None:
                client.force_login(user)
            pages[f"{name} {url} (sent empty)"] = with_errors(client, url)
        _crawled.update(
            pages=pages,
            extra=extra,
            days={first_day, timezone.localdate()},
            pairing_started_on=pairing.started_on,
        )
    return _crawled
