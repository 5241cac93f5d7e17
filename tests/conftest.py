"""Personas: alice is office staff, bob the liaison of unit_a, carol the liaison of unit_b.

The suite runs on PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (CI sets
both), and on SQLite otherwise. It runs what ships: the page cache, the user cache and
(with REDIS_URL) sessions read through Redis are on, as in production, and ``on_commit``
callbacks run where production runs them. ``ZHUJING_TEST_CACHES=off`` turns the caches off
for the small second run in .ci/run.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.test import Client
from django_scopes import scope

from tests import oncommit
from tests.factories import PASSWORD, MemberUnitFactory, UserFactory
from units.models import Council
from core.freshness.apps import start_afresh
from units.models import Council
from core.freshness.models import MemoisedVersion

CACHES_ON = os.environ.get("ZHUJING_TEST_CACHES", "on") != "off"


@pytest.fixture(autouse=True)
def _chinese_and_plain_static(settings, tmp_path):
    settings.LANGUAGE_CODE = "zh-hans"
    # Real hashing (PBKDF2, a million rounds) made each login and user factory cost ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if not CACHES_ON:
        settings.PUBLIC_PAGE_CACHE = False
        settings.SIGNED_IN_PAGE_CACHE = False
        settings.VERSION_MEMO = False
        settings.HEADER_MEMO = False
        settings.SCREEN_CACHE = False
        settings.USER_CACHE = False
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test starts with an empty database: no data version this process remembers
    # from an earlier test may stand for it.
    MemoisedVersion.forget_all()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.fixture(autouse=True)
def _caches_as_in_production(request):
    """For a test that uses the database: every data version moves on as it begins (as after
    a deploy's migrate), so nothing a cache or a process's memo holds from an earlier test
    is read again; and on_commit callbacks run as each request begins and ends
    (tests/oncommit.py). Set up after the database, so torn down before it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and DATABASE_FIXTURES.isdisjoint(request.fixturenames):
        yield
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or not {
        "transactional_db", "live_server"
    }.isdisjoint(request.fixturenames)
    request.getfixturevalue("transactional_db" if transactional else "db")
    # The test's own queries run as a request of the first council does; a task or command
    # the test calls sets its own scope (or none: then its queries raise ScopeError).
    council_scope = scope(council=Council.first_id())
    council_scope.__enter__()
    start_afresh()
    oncommit.pending.start()
    request_started.connect(oncommit.pending.run, dispatch_uid="tests-on-commit-start")
    request_finished.connect(oncommit.pending.run, dispatch_uid="tests-on-commit-finish")
    yield
    request_started.disconnect(dispatch_uid="tests-on-commit-start")
    request_finished.disconnect(dispatch_uid="tests-on-commit-finish")
    oncommit.pending.stop()
    council_scope.__exit__(None, None, None)


def _counted_after_commits(assert_queries):
    """pytest-django's query-count check, counting from the moment the test's own writes
    have committed, with every data version read once (as ``tests.queries.get_queries``)."""

    def check(*args, **kwargs):
        oncommit.run_pending()
        MemoisedVersion.forget_all()
        return assert_queries(*args, **kwargs)

    return check


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries):
    return _counted_after_commits(django_assert_num_queries)


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries):
    return _counted_after_commits(django_assert_max_num_queries)


@pytest.fixture
def unit_a(db):
    return MemberUnitFactory(name="测试区财政局")


@pytest.fixture
def unit_b(db):
    return MemberUnitFactory(name="测试朱泾法庭", category="stationed", level="")


@pytest.fixture
def staff(db):
    """Office staff of the first council (staff of no council are the district's)."""
    return UserFactory(
        username="alice", is_staff=True, council_id=Council.first_id(), display_name="党建办小王"
    )


@pytest.fixture
def liaison(unit_a):
    return UserFactory(username="bob", unit=unit_a, display_name="财政局联络员")


@pytest.fixture
def other_liaison(unit_b):
    return UserFactory(username="carol", unit=unit_b, display_name="法庭联络员")


def _client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def anon():
    return Client()


@pytest.fixture
def staff_client(staff):
    return _client_for(staff)


@pytest.fixture
def liaison_client(liaison):
    return _client_for(liaison)


@pytest.fixture
def other_liaison_client(other_liaison):
    return _client_for(other_liaison)


@pytest.fixture
def persona_clients(staff, liaison, other_liaison):
    """The four personas every permission matrix is checked against."""
    return {
        "anon": Client(),
        "staff": _client_for(staff),
        "liaison": _client_for(liaison),
        "other_liaison": _client_for(other_liaison),
    }


@pytest.fixture
def password():
    return PASSWORD


# --- Real-browser tests -------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def chromium_browser(monkeypatch):
    """A headless chromium for one test; skipped without it unless REQUIRE_BROWSER=1.

    Per test, not per session: Playwright's sync API refuses to start while another sync
    Playwright runs in the thread, and other browser fixtures start their own."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
    # Playwright's sync API runs an event loop in this thread; the tests still touch the
    # database synchronously from it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class BrowserPage:
    """A page on the live server that collects errors and saves screenshots to
    test-artifacts/. ``console_errors`` has the console's (CSP violations included);
    ``errors`` adds uncaught exceptions and HTTP answers of 400 and more. Anything else is
    Playwright's page (``.page``, for ``expect``)."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.errors = []
        self.console_errors = []

        def on_console(msg):
            if msg.type == "error":
                self.console_errors.append(msg.text)
                self.errors.append(f"{msg.text} ({msg.location.get('url', '')})")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status} {r.url}"),
        )

    def goto(self, path):
        """A path on the live server, or a full URL (e.g. the one a QR code encodes)."""
        return self.page.goto(path if path.startswith("http") else self.base_url + path)

    def screenshot(self, name, full_page=True):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

    def sign_in_as(self, user):
        """A signed-in session for ``user`` without the login form."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.base_url}]
        )

    def login(self, username, password):
        self.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("form.form button[type=submit]")
        self.page.wait_for_load_state()

    def __getattr__(self, name):
        return getattr(self.page, name)


@pytest.fixture
def new_browser_page(chromium_browser, live_server, transactional_db):
    """Make pages: new_browser_page(width=375, height=812, bypass_csp=False, **context_options)."""
    contexts = []

    def make(width=375, height=812, bypass_csp=False, **options):
        context = chromium_browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            bypass_csp=bypass_csp,
            **options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return BrowserPage(context.new_page(), live_server.url)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(new_browser_page):
    """A phone-sized page (375x812) with the CSP enforced."""
    return new_browser_page()
