"""With the cache's Redis stopped, every write that committed answers success and every
public page answers 200 with the right content (a real redis-server, stopped by pid).

The writes run with real commits (``transaction=True``): an ``on_commit`` side effect that
raised would otherwise never run inside a test.
"""

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Adoption, JointMeeting, Need, Project
from tests.factories import (
    AdoptionFactory,
    CommunityFactory,
    JointMeetingFactory,
    ProjectFactory,
    UserFactory,
)
from tests.redisserver import RedisServer, needs_redis_server, use_as_cache

pytestmark = [needs_redis_server, pytest.mark.django_db(transaction=True)]

PORT = 16461


@pytest.fixture
def stopped_redis(settings, tmp_path):
    server = RedisServer(PORT, tmp_path / "redis").start()
    use_as_cache(settings, server)
    yield server  # running: the test warms the cache, then stops it
    server.stop()


def _client(user=None):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(unit_a):
    meeting = JointMeetingFactory(title="二〇二六年联席会议", adoption_open=True)
    project = ProjectFactory(title="爱五路亮灯工程", capacity=2)
    taken = ProjectFactory(title="法治大讲堂", status=Project.Status.ADOPTED, adopted_count=1)
    adoption = AdoptionFactory(project=taken, unit=unit_a, meeting=meeting)
    return {"meeting": meeting, "project": project, "taken": taken, "adoption": adoption}


def test_it_records_an_adoption_and_says_so_with_redis_down(stopped_redis, world, liaison):
    _client().get(reverse("projects:meeting-screen", args=[world["meeting"].pk]))  # warm
    stopped_redis.stop()
    response = _client(liaison).post(
        reverse("projects:project-adopt", args=[world["project"].pk]),
        {"commitment": "出资五千元"},
    )
    assert response.status_code in (200, 302)
    assert Adoption.objects.filter(project=world["project"], unit=liaison.unit).exists()
    assert "已被认领" not in response.content.decode()


def test_it_opens_and_closes_the_window_with_redis_down(stopped_redis, world, staff):
    stopped_redis.stop()
    url = reverse("projects:meeting-window", args=[world["meeting"].pk])
    response = _client(staff).post(url, {"action": "close"})
    assert response.status_code == 302
    assert not JointMeeting.objects.get(pk=world["meeting"].pk).adoption_open
    response = _client(staff).post(url, {"action": "open"})
    assert response.status_code == 302
    assert JointMeeting.objects.get(pk=world["meeting"].pk).adoption_open


def test_it_saves_a_meeting_edit_with_redis_down(stopped_redis, world, staff):
    stopped_redis.stop()
    response = _client(staff).post(
        reverse("projects:meeting-edit", args=[world["meeting"].pk]),
        {"title": "二〇二六年度联席会议", "held_on": "2026-11-28", "venue": "镇政府大礼堂"},
    )
    assert response.status_code == 302
    assert JointMeeting.objects.get(pk=world["meeting"].pk).title == "二〇二六年度联席会议"


def test_it_withdraws_an_adoption_with_redis_down(stopped_redis, world, staff):
    stopped_redis.stop()
    response = _client(staff).post(
        reverse(
            "projects:meeting-withdraw", args=[world["meeting"].pk, world["adoption"].pk]
        )
    )
    assert response.status_code == 302
    assert not Adoption.objects.filter(pk=world["adoption"].pk).exists()
    assert Project.objects.get(pk=world["taken"].pk).status == Project.Status.OPEN


def test_it_takes_a_need_with_redis_down(stopped_redis):
    community = CommunityFactory(name="测试秀州村")
    stopped_redis.stop()
    response = _client().post(
        reverse("projects:need-create"),
        {"community": community.pk, "category": "care_aid", "text": "希望小区加装扶手"},
    )
    assert response.status_code == 302
    need = Need.objects.get()
    assert _client().get(response["Location"]).status_code == 200
    assert need.community == community


def test_the_big_screen_renders_from_the_database_with_redis_down(stopped_redis, world):
    stopped_redis.stop()
    for name in ("projects:meeting-screen", "projects:meeting-screen-stats"):
        response = _client().get(reverse(name, args=[world["meeting"].pk]))
        assert response.status_code == 200
        assert "测试区财政局" in response.content.decode()  # the recent adoption


def test_every_public_page_answers_with_redis_down(stopped_redis, world):
    project = world["taken"]
    pages = {
        reverse("home"): "二〇二六年联席会议",
        reverse("units:structure"): "",
        reverse("units:structure") + f"?district={project.community.district_id}": (
            project.community.name
        ),
        reverse("units:stats"): "",
        reverse("projects:project-list"): "爱五路亮灯工程",
        reverse("projects:project-list") + "?status=open": "爱五路亮灯工程",
        reverse("projects:project-detail", args=[project.pk]): "测试区财政局",
        reverse("projects:project-archive"): "",
        reverse("projects:need-create"): "",
    }
    for url in pages:  # warm what can be cached
        _client().get(url)
    stopped_redis.stop()
    for url, text in pages.items():
        response = _client().get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    UserFactory(username="dave", is_staff=True)  # the database still takes writes
