"""The page cache cannot be flooded, and a full cache never answers 500 (a real Redis)."""

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Need
from tests.factories import CommunityFactory, JointMeetingFactory, ProjectFactory
from tests.redisserver import RedisServer, needs_redis_server, use_as_cache

pytestmark = [needs_redis_server, pytest.mark.django_db]

PORT = 16463


@pytest.fixture
def redis_server(settings, tmp_path):
    server = RedisServer(PORT, tmp_path / "redis", appendonly=False).start()
    use_as_cache(settings, server)
    yield server
    server.stop()


def _get(url, **headers):
    return Client(raise_request_exception=False).get(url, headers=headers)


def test_junk_parameters_values_and_headers_store_nothing_new(redis_server):
    project = ProjectFactory(title="爱五路亮灯工程", year=2026)
    board = reverse("projects:project-list")
    assert _get(board).status_code == 200
    assert _get(board + "?status=open").status_code == 200
    assert _get(board + "?status=open")["X-Page-Cache"] == "hit"
    stored = redis_server.client().dbsize()

    for n in range(30):
        junk = _get(f"{board}?status=open&junk={n}")
        assert junk.status_code == 302
        assert junk["Location"] == f"{board}?status=open"
        for query in (
            f"?year={n}abc",
            f"?district=00{n}",
            f"?page={n + 100}",
            f"?q=x{n}",
            f"?status=open&status=open&status=draft{n}",
        ):
            assert _get(board + query).status_code == 200
        assert _get(board, HX_Request="true", HX_Target=f"t{n}").status_code == 200
        assert _get(f"/projects/{project.pk}/?from=wechat{n}").status_code == 302
    assert redis_server.client().dbsize() <= stored + 1  # the one htmx partial


def test_a_full_cache_never_answers_500(settings, tmp_path):
    server = RedisServer(PORT, tmp_path / "full", appendonly=False)
    server.start()
    try:
        server.client().config_set("maxmemory", "2mb")
        server.client().config_set("maxmemory-policy", "noeviction")
        filler = server.client()
        for n in range(10_000):  # fill it until it refuses writes
            try:
                filler.set(f"filler:{n}", "x" * 10_000)
            except Exception:
                break
        use_as_cache(settings, server)
        meeting = JointMeetingFactory(adoption_open=True)
        project = ProjectFactory(title="爱五路亮灯工程")
        community = CommunityFactory()
        for url in (
            reverse("home"),
            reverse("projects:project-list"),
            reverse("projects:project-detail", args=[project.pk]),
            reverse("projects:meeting-screen", args=[meeting.pk]),
            reverse("projects:meeting-screen-stats", args=[meeting.pk]),
        ):
            assert _get(url).status_code == 200, url
        response = Client(raise_request_exception=False).post(
            reverse("projects:need-create"),
            {"community": community.pk, "category": "care_aid", "text": "希望小区加装扶手"},
        )
        assert response.status_code == 302
        assert Need.objects.count() == 1
    finally:
        server.stop()
