"""Redis stopped, the data written meanwhile, Redis back with its old data (append-only
file, as docker-compose runs it): no public page older than the write is served."""

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Adoption
from tests.factories import JointMeetingFactory, ProjectFactory
from tests.redisserver import RedisServer, needs_redis_server, use_as_cache

pytestmark = [needs_redis_server, pytest.mark.django_db(transaction=True)]

PORT = 16462


@pytest.fixture
def redis_server(settings, tmp_path):
    server = RedisServer(PORT, tmp_path / "redis", appendonly=True).start()
    use_as_cache(settings, server)
    yield server
    server.stop()


def _get(url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 200
    return response


def test_a_cache_restored_from_disk_never_shows_a_page_older_than_the_last_write(
    redis_server, liaison
):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(title="爱五路亮灯工程")
    detail = reverse("projects:project-detail", args=[project.pk])
    screen = reverse("projects:meeting-screen-stats", args=[meeting.pk])
    _get(detail)
    assert _get(detail)["X-Page-Cache"] == "hit"
    _get(screen)
    assert "测试区财政局" not in _get(screen).content.decode()

    redis_server.stop()  # writes its append-only file: the old page is kept
    adopter = Client(raise_request_exception=False)
    adopter.force_login(liaison)
    adopter.post(reverse("projects:project-adopt", args=[project.pk]), {"commitment": "出资"})
    assert Adoption.objects.filter(project=project).exists()
    redis_server.start()
    assert redis_server.client().dbsize() > 0  # the old entries came back

    page = _get(detail)
    assert page.get("X-Page-Cache") != "hit"
    assert "测试区财政局" in page.content.decode()
    assert "测试区财政局" in _get(screen).content.decode()
