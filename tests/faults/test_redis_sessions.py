"""Sessions read through Redis (accounts.sessions), against a real redis-server stopped and
restarted by pid with its append-only file: the cache saves a query per signed-in page and
never signs a logged-out cookie in again, nor brings back older session data."""

import time

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string

from core import cache
from tests.queries import capture_queries
from tests.redisserver import RedisServer, needs_redis_server, use_as_cache

pytestmark = [needs_redis_server, pytest.mark.django_db(transaction=True)]

PORT = 16465
PASSWORD = "correct-horse-battery-staple"
MINE = reverse("units:my-pairings")


@pytest.fixture
def redis_server(settings, tmp_path):
    server = RedisServer(PORT, tmp_path / "redis", appendonly=True).start()
    use_as_cache(settings, server)
    settings.SESSION_ENGINE = "accounts.sessions"  # what settings choose with a Redis cache
    yield server
    server.stop()


@pytest.fixture
def signed_in(liaison):
    liaison.set_password(PASSWORD)
    liaison.save()
    client = Client(raise_request_exception=False)
    answer = client.post(reverse("accounts:login"), {"username": "bob", "password": PASSWORD})
    assert answer.status_code == 302
    return client


def _back(server):
    """Start Redis again and let this process's cache try it again (it waits a moment
    after a failure rather than failing on every call)."""
    server.start()
    time.sleep(cache.RETRY_AFTER_SECONDS + 0.1)


def _signed_in(client):
    """Whether the client's cookie opens a liaison's page (not the login form)."""
    return client.get(MINE).status_code == 200


def _store():
    return import_string(django_settings.SESSION_ENGINE + ".SessionStore")


def _session_queries(queries):
    return [q for q in queries.captured if "django_session" in q["sql"]]


def test_a_signed_in_page_reads_the_session_from_redis_not_the_database(redis_server, signed_in):
    assert _signed_in(signed_in)
    with capture_queries() as queries:
        assert _signed_in(signed_in)
    assert _session_queries(queries) == [], str(queries)


def test_a_logout_while_redis_is_down_stays_a_logout_when_redis_comes_back(
    redis_server, signed_in
):
    cookie = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert _signed_in(signed_in)  # the session is now in Redis
    redis_server.stop()  # writes its append-only file, the session with it
    assert signed_in.post(reverse("accounts:logout")).status_code == 302
    _back(redis_server)
    assert redis_server.client().dbsize() > 0  # the old copy came back

    stolen = Client(raise_request_exception=False)
    stolen.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    assert not _signed_in(stolen)


def test_data_saved_while_redis_is_down_is_what_is_read_when_it_comes_back(redis_server, signed_in):
    key = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    first = _store()(key)
    first["adopt_commitment"] = "出资五千元"
    first.save()
    assert _store()(key)["adopt_commitment"] == "出资五千元"  # cached
    redis_server.stop()
    second = _store()(key)
    second["adopt_commitment"] = "出人出力"
    second.save()
    _back(redis_server)
    assert _store()(key)["adopt_commitment"] == "出人出力"


def test_a_page_that_read_the_session_just_before_the_logout_cannot_put_it_back(
    redis_server, signed_in, monkeypatch
):
    cookie = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    redis_server.client().flushall()  # the next read goes to the database
    store = _store()
    read_from_db = store._get_session_from_db

    def then_logout(reading, *args, **kwargs):
        stored = read_from_db(reading, *args, **kwargs)
        monkeypatch.setattr(store, "_get_session_from_db", read_from_db)
        store(cookie).flush()  # what the logout view does, in another request
        return stored  # the row as it was read, before the logout deleted it

    monkeypatch.setattr(store, "_get_session_from_db", then_logout)
    late = Client()
    late.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    late.get(MINE)  # this request's read raced the logout; it may finish as it began

    again = Client(raise_request_exception=False)
    again.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    assert not _signed_in(again)
