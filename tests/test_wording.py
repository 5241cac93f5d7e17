"""Small words that read wrong in Chinese: each checked where a user sees it."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from projects.models import JointMeeting, Project
from records.models import Contribution
from tests.factories import PairingFactory, ProjectFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_it_names_english_in_english_on_the_language_switch(anon):
    html = anon.get("/").content.decode()
    assert '<option value="en" lang="en">English</option>' in html
    assert "英语" not in html


def test_it_labels_log_out_without_brackets_inside_brackets(unit_a):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(username="wf", unit=unit_a, display_name="王芳（财政局）"))
    html = client.get("/").content.decode()
    assert "退出登录 · 王芳（财政局）" in html
    assert "（王芳（" not in html


def test_it_words_a_contributed_venue_and_a_meetings_venue_apart():
    with translation.override("zh-hans"):
        assert str(Contribution.Kind.VENUE.label) == "场地"
        assert str(JointMeeting._meta.get_field("venue").verbose_name) == "地点"


def test_it_leaves_out_households_when_none_were_visited(liaison_client, unit_a):
    VisitFactory(pairing=PairingFactory(unit=unit_a), households_visited=0)
    html = liaison_client.get(reverse("units:my-pairings")).content.decode()
    assert "0 户" not in html and ("实地走访" in html or "电子走访" in html)


def test_it_marks_a_later_renewal_in_plain_words(anon):
    earlier = ProjectFactory(title="老年助餐点", year=2025, status=Project.Status.COMPLETED)
    ProjectFactory(title="老年助餐点", year=2026, previous=earlier, status=Project.Status.OPEN)
    html = anon.get(reverse("projects:project-detail", args=[earlier.pk])).content.decode()
    assert "后续年度续认领" in html and "续认领为" not in html


def test_it_puts_no_half_width_colon_after_a_translated_label():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in re.finditer(r'\{% translate "[^"]*" %\}:', path.read_text())
    ]
    assert offenders == []
