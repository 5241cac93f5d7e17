"""The demo data loaded once per test module, for modules whose tests only read it.

``load_demo`` takes many seconds; a module of a dozen tests loaded it a dozen times. Here it
is loaded inside a transaction that stays open for the module and is rolled back after its
last test, and each test runs in a savepoint of it, as Django's ``setUpTestData`` does: a
test that writes (loads the demo again, say) leaves nothing behind for the next one.
"""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="module")
def demo_in_module(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(
        MEDIA_ROOT=media, PASSWORD_HASHERS=fast_hash, LANGUAGE_CODE="zh-hans"
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("load_demo", stdout=out)
            yield SimpleNamespace(output=out.getvalue(), media=media)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_in_module, db, settings):
    """The loaded demo (``.output`` is what ``load_demo`` printed), its photos readable."""
    settings.MEDIA_ROOT = demo_in_module.media
    return demo_in_module
