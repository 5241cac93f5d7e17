"""Every per-process memo and cache key carries the council: one council's figures never
answer for another's."""

import pytest
from django_scopes import scope

from core import councils, pagecache
from projects.screen import screen_cache_key
from units.models import Council

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_councils():
    first = Council.objects.get(pk=Council.first_id())
    other = Council.objects.create(name="枫泾镇", slug="fengjing")
    return first.pk, other.pk


def test_a_per_version_memo_keeps_one_value_per_council(settings, two_councils):
    settings.VERSION_MEMO = True
    calls = []

    @pagecache.per_version
    def whose():
        calls.append(councils.current_id())
        return councils.current_id()

    first, other = two_councils
    with scope(council=first):
        assert whose() == first
    with scope(council=other):
        assert whose() == other
    with scope(council=first):
        assert whose() == first  # still kept: the other council's read did not push it out
    assert calls == [first, other]


def test_a_per_version_memo_reads_again_after_a_change(settings, two_councils):
    settings.VERSION_MEMO = True
    calls = []

    @pagecache.per_version
    def read():
        calls.append(1)
        return len(calls)

    with scope(council=two_councils[0]):
        assert read() == 1
        assert read() == 1
        pagecache.bump_version_now()
        pagecache._forget_version()
        assert read() == 2


def test_the_big_screens_key_names_the_council(two_councils):
    first, other = two_councils
    with scope(council=first):
        at_first = screen_cache_key(7)
    with scope(council=other):
        at_other = screen_cache_key(7)
    assert at_first != at_other
