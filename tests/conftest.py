"""Personas: alice is office staff, bob the liaison of unit_a, carol the liaison of unit_b.

The suite runs on PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (CI sets
both), and on SQLite otherwise.
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD, MemberUnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _chinese_and_plain_static(settings, tmp_path):
    settings.LANGUAGE_CODE = "zh-hans"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def unit_a(db):
    return MemberUnitFactory(name="测试区财政局")


@pytest.fixture
def unit_b(db):
    return MemberUnitFactory(name="测试朱泾法庭", category="stationed", level="")


@pytest.fixture
def staff(db):
    return UserFactory(username="alice", is_staff=True, display_name="党建办小王")


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


@pytest.fixture
def browser_context(live_server, transactional_db, monkeypatch):
    """A headless Debian chromium at a phone's size (375×812), driven by Playwright.

    Skips when chromium is missing, unless REQUIRE_BROWSER=1 (CI), then fails.
    """
    import os

    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is missing")
    # Playwright's sync API runs an event loop; Django's ORM is called from the test.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    (settings.BASE_DIR / "test-artifacts").mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 375, "height": 812}, locale="zh-CN", device_scale_factor=2
        )
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()
            browser.close()


@pytest.fixture
def browser_page(browser_context, live_server):
    """One page of ``browser_context``. Console errors (CSP violations among them) are
    collected in ``page.console_errors``."""
    page = browser_context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.live_server = live_server
    return page


@pytest.fixture
def artifacts_dir():
    """Screenshots go to test-artifacts/ at the project root."""
    path = settings.BASE_DIR / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


def login_in_browser(page, user):
    """Give the browser page a signed-in session for ``user``."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": page.live_server.url}]
    )
