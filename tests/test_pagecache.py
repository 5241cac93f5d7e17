"""The public pages' whole-page cache: fast for residents, never shared with a user."""

import contextlib
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CommunityFactory, PairingFactory
from tests.queries import capture_queries
from core import pagecache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True
    # A new version makes every cached page unreachable, without flushing a shared Redis.
    pagecache.bump_version_now()
    yield
    with contextlib.suppress(Exception):  # one test points the cache at nothing
        pagecache.bump_version_now()


def _get(client, url):
    with capture_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def _token(response):
    html = response.content.decode()
    return json.loads(re.search(r"<body data-hx-headers='([^']*)'", html).group(1))["X-CSRFToken"]


def test_it_serves_the_second_anonymous_visitor_from_the_cache():
    community = CommunityFactory(name="测试秀州村")
    url = reverse("units:structure") + f"?district={community.district_id}"  # names it
    first, queries = _get(Client(), url)
    assert queries > 0
    assert first["X-Page-Cache"] == "miss"
    second, queries = _get(Client(), url)
    assert queries == 0
    assert second["X-Page-Cache"] == "hit"
    assert "测试秀州村" in second.content.decode()


def test_it_gives_every_visitor_their_own_working_csrf_token():
    _get(Client(), reverse("home"))
    visitor = Client(enforce_csrf_checks=True)
    response, queries = _get(visitor, reverse("home"))
    assert queries == 0
    token = _token(response)
    assert "placeholder" not in response.content.decode()
    assert 'name="csrfmiddlewaretoken" value="' + token + '"' in response.content.decode()

    answer = visitor.post(reverse("set_language"), {"language": "en", "next": "/"}, HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 302


def test_it_never_serves_a_cached_page_to_a_signed_in_user(staff_client):
    _get(Client(), reverse("home"))
    response, _ = _get(staff_client, reverse("home"))
    assert "党建办小王" in response.content.decode()  # the staff member's own header


def test_it_never_caches_a_signed_in_users_page(staff_client):
    _get(staff_client, reverse("home"))
    response, _ = _get(Client(), reverse("home"))
    assert "党建办小王" not in response.content.decode()


def test_it_shows_a_change_as_soon_as_it_is_committed(django_capture_on_commit_callbacks):
    community = CommunityFactory(name="测试旧名村")
    url = reverse("units:structure") + f"?district={community.district_id}"  # names it
    _get(Client(), url)

    with django_capture_on_commit_callbacks(execute=True):
        community.name = "测试新名村"
        community.save()

    response, queries = _get(Client(), url)
    assert queries > 0
    assert "测试新名村" in response.content.decode()


def test_it_keeps_languages_apart():
    _get(Client(), reverse("home"))
    english = Client()
    english.cookies["django_language"] = "en"
    response, _ = _get(english, reverse("home"))
    assert response["Content-Language"] == "en"
    assert 'lang="en"' in response.content.decode()


def _with_flash_message(client, text):
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    storage, response = CookieStorage(HttpRequest()), HttpResponse()
    storage.add(messages.SUCCESS, text)
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    return client


def test_it_does_not_cache_a_page_with_a_flash_message():
    response, _ = _get(_with_flash_message(Client(), "需求已提交"), reverse("units:stats"))
    assert "需求已提交" in response.content.decode()
    response, queries = _get(Client(), reverse("units:stats"))
    assert queries > 0
    assert "需求已提交" not in response.content.decode()


def test_it_caches_the_statistics_page_too():
    PairingFactory()
    _get(Client(), reverse("units:stats"))
    _, queries = _get(Client(), reverse("units:stats"))
    assert queries == 0


def test_it_serves_the_page_when_the_cache_is_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    for _ in range(2):
        response = Client().get(reverse("units:structure"))
        assert response.status_code == 200
        assert "X-Page-Cache" not in response or response["X-Page-Cache"] == "miss"
