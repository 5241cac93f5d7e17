"""Data versions (core.freshness): what says "the data changed" lives in the database."""

import pytest
from django.core.management import call_command

from core.freshness.models import DataVersion, MemoisedVersion

pytestmark = pytest.mark.django_db


def test_every_version_moves_on_at_each_migrate_so_no_older_cache_entry_is_read():
    versions = {version.name: version.current() for version in MemoisedVersion._all}
    assert {"public-pages", "users", "inbox"} <= set(versions)
    call_command("migrate", verbosity=0)  # what a deploy runs
    for name, before in versions.items():
        assert DataVersion.objects.get(name=name).value > before, name


def test_a_counter_that_went_back_still_moves_past_the_numbers_caches_hold():
    DataVersion.bump("restored")
    DataVersion.objects.filter(name="restored").update(value=5)  # an old backup, restored
    DataVersion.bump("restored")
    assert DataVersion.objects.get(name="restored").value > 1_700_000_000_000  # the clock, in ms
