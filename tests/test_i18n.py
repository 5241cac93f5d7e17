"""The zh_Hans catalogue is complete: every user-facing string in the code has a translation."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = [
    "manage.py",
    "pyproject.toml",
    "zhujing",
    "core",
    "accounts",
    "reminders",
    "opendata",
    "units",
    "projects",
    "templates",
    "records",
    "district",
    "demo",
]


def _untranslated(po):
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def test_the_committed_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = polib.pofile(str(CATALOGUE))
    assert len(po) > 100
    assert _untranslated(po) == []


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Re-extract the strings from a copy of the sources: nothing may be missing."""
    for name in SOURCES:
        source = Path(settings.BASE_DIR) / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    shutil.copytree(Path(settings.BASE_DIR) / "locale", tmp_path / "locale")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
            "--no-wrap",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = _untranslated(fresh)
    assert missing == [], f"run `make makemessages` and translate: {missing}"


@pytest.mark.parametrize(
    "language,expected", [("zh-hans", "共驻共建"), ("en", "co-resident co-building")]
)
def test_choices_follow_the_language(language, expected):
    from units.models import Pairing

    with translation.override(language):
        assert str(Pairing.Mode.CO_RESIDENT.label) == expected


@pytest.mark.django_db
def test_the_language_switch_shows_english(anon):
    anon.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = anon.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Log in" in html


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_it_switches(anon):
    html = anon.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["projects:need-create", "units:pairing-create", "projects:project-create"]
)
def test_empty_choices_say_please_choose(staff_client, url_name):
    html = staff_client.get(reverse(url_name)).content.decode()
    assert "---------" not in html
    assert ">请选择…</option>" in html


def test_the_catalogue_addresses_people_as_nin_with_full_width_colons():
    msgstrs = [
        text
        for entry in polib.pofile(str(CATALOGUE))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
    ]
    assert [s for s in msgstrs if "你" in s] == []
    assert [s for s in msgstrs if re.search(r"[\u4e00-\u9fff]:", s)] == []
