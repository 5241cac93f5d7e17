"""A logout stays a logout when the cache's Redis comes back from an older append-only file.

The truth of "signed out" lives in PostgreSQL (``User.sessions_valid_after``); a copy of the
session that Redis brings back from before the logout must open nothing (issue 23, item 5).
A real redis-server, restored by pid from a copy of its own AOF directory.
"""

import shutil
import time

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from projects.models import Adoption
from tests.factories import JointMeetingFactory, ProjectFactory
from tests.redisserver import RedisServer, needs_redis_server, redis_session_engine, use_as_cache

pytestmark = [needs_redis_server, pytest.mark.django_db(transaction=True)]

PORT = 16467
PASSWORD = "correct-horse-battery-staple"
MINE = reverse("units:my-pairings")


@pytest.fixture
def redis_server(settings, tmp_path):
    server = RedisServer(PORT, tmp_path / "redis", appendonly=True).start()
    use_as_cache(settings, server)
    settings.SESSION_ENGINE = redis_session_engine()
    yield server
    server.stop()


def _login(user):
    user.set_password(PASSWORD)
    user.save()
    client = Client(raise_request_exception=False)
    answer = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 302
    return client


def _with_cookie(cookie):
    client = Client(raise_request_exception=False)
    client.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    return client


def _restore(server, older):
    server.stop()
    shutil.rmtree(server.dir)
    shutil.copytree(older, server.dir)
    server.start()
    time.sleep(1.1)  # a fail-soft cache may wait a moment before it tries Redis again


def _snapshot(server, into):
    server.stop()  # SIGTERM: Redis writes its append-only file and exits
    shutil.copytree(server.dir, into)
    server.start()
    time.sleep(1.1)


def test_it_keeps_a_logout_when_redis_comes_back_from_an_older_aof(redis_server, liaison, tmp_path):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(title="爱五路亮灯工程")
    client = _login(liaison)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert client.get(MINE).status_code == 200  # the session is now in Redis
    _snapshot(redis_server, tmp_path / "older")

    assert client.post(reverse("accounts:logout")).status_code == 302
    _restore(redis_server, tmp_path / "older")
    assert redis_server.client().dbsize() > 0  # the old copies came back

    stolen = _with_cookie(cookie)
    assert stolen.get(MINE).status_code == 302  # to the login form
    stolen.post(reverse("projects:project-adopt", args=[project.pk]), {"commitment": "出资五千元"})
    assert not Adoption.objects.filter(project=project).exists()
    assert meeting.pk


def test_it_keeps_a_deactivated_account_out_when_redis_comes_back_from_an_older_aof(
    redis_server, liaison, staff, tmp_path
):
    client = _login(liaison)
    assert client.get(MINE).status_code == 200
    _snapshot(redis_server, tmp_path / "older")

    office = Client()
    office.force_login(staff)
    assert office.post(reverse("accounts:user-deactivate", args=[liaison.pk])).status_code == 302
    office.post(reverse("accounts:user-reactivate", args=[liaison.pk]))  # back, but not that phone
    _restore(redis_server, tmp_path / "older")

    assert client.get(MINE).status_code == 302
