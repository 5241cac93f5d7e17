"""Sessions read through Redis (Django's cached_db), against a real redis-server stopped and
restarted by pid with its append-only file, or restored from an older copy of it: the cache
saves a query per signed-in page and never signs a logged-out or deactivated cookie in again
(the logout epoch lives in PostgreSQL; issue 23, item 5)."""

import shutil

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.test import Client
from django.urls import reverse

from projects.models import Adoption
from tests.factories import JointMeetingFactory, ProjectFactory
from tests.queries import capture_queries
from tests.redisserver import RedisServer, needs_redis_server, redis_session_engine, use_as_cache

pytestmark = [needs_redis_server, pytest.mark.django_db(transaction=True)]

PORT = 16465
PASSWORD = "correct-horse-battery-staple"
MINE = reverse("units:my-pairings")


@pytest.fixture
def redis_server(settings, tmp_path):
    server = RedisServer(PORT, tmp_path / "redis", appendonly=True).start()
    use_as_cache(settings, server)
    settings.SESSION_ENGINE = redis_session_engine()
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


def _signed_in(client):
    """Whether the client's cookie opens a liaison's page (not the login form)."""
    return client.get(MINE).status_code == 200


def _with_cookie(cookie):
    client = Client(raise_request_exception=False)
    client.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    return client


def test_a_signed_in_page_reads_the_session_from_redis_not_the_database(redis_server, signed_in):
    assert _signed_in(signed_in)
    with capture_queries() as queries:
        assert _signed_in(signed_in)
    assert [q for q in queries.captured if "django_session" in q["sql"]] == [], str(queries)


def test_a_logout_while_redis_is_down_stays_a_logout_when_redis_comes_back(
    redis_server, signed_in
):
    cookie = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert _signed_in(signed_in)  # the session is now in Redis
    redis_server.stop()  # writes its append-only file, the session with it
    assert signed_in.post(reverse("accounts:logout")).status_code == 302
    redis_server.start()
    assert redis_server.client().dbsize() > 0  # the old copy came back

    assert not _signed_in(_with_cookie(cookie))


def test_a_session_put_back_after_the_logout_signs_nobody_in(redis_server, signed_in):
    """A request that read the session just before the logout may store its copy after it."""
    cookie = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    copy = SessionStore(cookie).load()
    assert signed_in.post(reverse("accounts:logout")).status_code == 302

    late = SessionStore(cookie)
    late.update(copy)
    late.save()  # the session, as it was, back in PostgreSQL and Redis

    assert not _signed_in(_with_cookie(cookie))


def _snapshot(server, into):
    server.stop()  # SIGTERM: Redis writes its append-only file and exits
    shutil.copytree(server.dir, into)
    server.start()


def _restore(server, older):
    server.stop()
    shutil.rmtree(server.dir)
    shutil.copytree(older, server.dir)
    server.start()


def test_it_keeps_a_logout_when_redis_comes_back_from_an_older_aof(
    redis_server, signed_in, tmp_path
):
    JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(title="爱五路亮灯工程")
    cookie = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert _signed_in(signed_in)  # the session is now in Redis
    _snapshot(redis_server, tmp_path / "older")

    assert signed_in.post(reverse("accounts:logout")).status_code == 302
    _restore(redis_server, tmp_path / "older")
    assert redis_server.client().dbsize() > 0  # the old copies came back

    stolen = _with_cookie(cookie)
    assert stolen.get(MINE).status_code == 302  # to the login form
    stolen.post(reverse("projects:project-adopt", args=[project.pk]), {"commitment": "出资五千元"})
    assert not Adoption.objects.filter(project=project).exists()


def test_it_keeps_a_deactivated_account_out_when_redis_comes_back_from_an_older_aof(
    redis_server, signed_in, liaison, staff, tmp_path
):
    assert _signed_in(signed_in)
    _snapshot(redis_server, tmp_path / "older")

    office = Client()
    office.force_login(staff)
    assert office.post(reverse("accounts:user-deactivate", args=[liaison.pk])).status_code == 302
    office.post(reverse("accounts:user-reactivate", args=[liaison.pk]))  # back, but not that phone
    _restore(redis_server, tmp_path / "older")

    assert not _signed_in(signed_in)
