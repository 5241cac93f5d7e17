"""长辈模式 (care mode): a header form sets a cookie; the public pages then load the care
styles, and the page cache never hands one mode's page to the other."""

import contextlib

import pytest
from django.test import Client
from django.urls import reverse

from core import pagecache

pytestmark = pytest.mark.django_db

CARE = '<html lang="zh-hans" class="care">'
STYLES = "/static/css/care.css"


def _switch(client, on, next_url="/projects/"):
    return client.post(reverse("care-mode"), {"on": "1" if on else "0", "next": next_url})


def test_it_turns_care_mode_on_from_the_header_and_off_again(anon):
    page = anon.get("/projects/").content.decode()
    assert f'action="{reverse("care-mode")}"' in page and "长辈模式" in page
    assert CARE not in page and STYLES not in page

    response = _switch(anon, on=True)
    assert response.status_code == 302 and response["Location"] == "/projects/"
    cookie = response.cookies["care"]
    assert cookie.value == "1" and cookie["httponly"] and cookie["max-age"] >= 300 * 24 * 3600
    page = anon.get("/projects/").content.decode()
    assert CARE in page and STYLES in page and "退出长辈模式" in page

    _switch(anon, on=False)
    assert CARE not in anon.get("/projects/").content.decode()


def test_it_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("care-mode"), {"on": "1", "next": "/"}).status_code == 403


def test_it_returns_only_to_a_page_of_this_site(anon):
    response = _switch(anon, on=True, next_url="https://evil.example/phish")
    assert response["Location"] == "/"


def test_it_is_for_residents_only_never_on_a_signed_in_page(liaison_client):
    liaison_client.cookies["care"] = "1"
    page = liaison_client.get("/projects/").content.decode()
    assert CARE not in page and 'action="/care-mode/"' not in page


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE = True
    pagecache.bump_version_now()
    yield
    with contextlib.suppress(Exception):
        pagecache.bump_version_now()


@pytest.mark.parametrize("path", ["/", "/projects/", "/reports/"])
def test_the_page_cache_keeps_the_two_modes_apart(page_cache, path):
    plain = Client().get(path)
    care = Client()
    care.cookies["care"] = "1"
    cared = care.get(path)
    assert CARE in cared.content.decode()
    assert cared["X-Page-Cache"] == "miss"  # not the plain visitor's page
    assert care.get(path)["X-Page-Cache"] == "hit"
    again = Client().get(path)
    assert again["X-Page-Cache"] == "hit" and CARE not in again.content.decode()
    assert plain.status_code == 200
