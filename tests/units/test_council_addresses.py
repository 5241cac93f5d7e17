"""Councils by address: a council's own host name, a /c/<slug>/ prefix, or the site's root."""

import re

import pytest
from django.test import Client
from django.urls import get_script_prefix, reverse

from core import pagecache
from tests.queries import capture_queries
from tests.factories import PASSWORD, UserFactory
from units.models import Council

pytestmark = pytest.mark.django_db

HOST = "fengjing.example.org"


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.SITE_URL = "https://zhujing.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver", HOST]
    settings.PUBLIC_PAGE_CACHE = True


@pytest.fixture
def zhujing():
    return Council.objects.get(pk=Council.first_id())


@pytest.fixture
def fengjing():
    return Council.objects.create(
        name="枫泾镇", network_name="枫叶红", slug="fengjing", host=HOST, position=2
    )


@pytest.fixture
def tinglin():
    return Council.objects.create(name="亭林镇", network_name="", slug="tinglin", position=3)


def _brand(response):
    html = response.content.decode()
    return re.search(r'<span class="brand-text">([^<]*)</span>', html).group(1)


def test_it_serves_the_first_council_at_the_root(zhujing, fengjing):
    response = Client().get("/")
    assert response.status_code == 200
    assert _brand(response) == "朱泾镇“心联鑫”"
    assert 'href="/structure/"' in response.content.decode()


def test_it_finds_a_council_by_its_host_name_ignoring_the_port(fengjing):
    response = Client().get("/", HTTP_HOST=f"{HOST}:8443")
    assert response.status_code == 200
    assert _brand(response) == "枫泾镇“枫叶红”"
    assert "<title>枫泾镇区域化党建</title>" in response.content.decode()


def test_it_finds_a_council_by_its_prefix_and_keeps_the_prefix_in_links(tinglin):
    response = Client().get("/c/tinglin/structure/")
    assert response.status_code == 200
    assert _brand(response) == "亭林镇"
    html = response.content.decode()
    assert 'href="/c/tinglin/projects/"' in html
    assert 'href="/projects/"' not in html
    assert get_script_prefix() == "/"  # restored after the response


def test_it_adds_the_slash_to_a_bare_prefix(tinglin):
    response = Client().get("/c/tinglin?x=1")
    assert response.status_code == 301
    assert response["Location"] == "/c/tinglin/?x=1"


def test_it_answers_an_unknown_or_inactive_council_with_the_chinese_404(tinglin):
    tinglin.is_active = False
    tinglin.save()
    for path in ("/c/nowhere/", "/c/tinglin/structure/"):
        response = Client().get(path)
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()


def test_it_ignores_an_inactive_councils_host(fengjing):
    fengjing.is_active = False
    fengjing.save()
    response = Client().get("/", HTTP_HOST=HOST)
    assert _brand(response) == "朱泾镇“心联鑫”"


def test_it_keeps_the_prefix_through_the_login_redirects(tinglin):
    UserFactory(username="dora", is_staff=True, council=tinglin)
    client = Client(enforce_csrf_checks=True)
    response = client.get("/c/tinglin/office/needs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/c/tinglin/accounts/login/?next=/c/tinglin/office/")

    form = client.get(response["Location"])
    html = form.content.decode()
    assert 'action="/c/tinglin/accounts/login/' in html or "<form" in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    answer = client.post(
        "/c/tinglin/accounts/login/?next=/c/tinglin/office/needs/",
        {"username": "dora", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/c/tinglin/office/needs/"
    assert client.get(answer["Location"]).status_code == 200


def test_it_refuses_a_post_under_a_prefix_without_the_token(tinglin):
    client = Client(enforce_csrf_checks=True)
    answer = client.post("/c/tinglin/accounts/login/", {"username": "x", "password": "y"})
    assert answer.status_code == 403


def test_the_same_path_at_two_hosts_never_shares_a_cached_page(zhujing, fengjing):
    pagecache.bump_version_now()
    first = Client().get("/structure/")
    assert first["X-Page-Cache"] == "miss"
    assert Client().get("/structure/")["X-Page-Cache"] == "hit"

    other = Client().get("/structure/", HTTP_HOST=HOST)
    assert _brand(other) == "枫泾镇“枫叶红”"
    assert other["X-Page-Cache"] == "miss"
    assert _brand(Client().get("/structure/", HTTP_HOST=HOST)) == "枫泾镇“枫叶红”"
    assert _brand(Client().get("/structure/")) == "朱泾镇“心联鑫”"


def test_a_council_at_the_root_and_under_its_prefix_keep_their_own_links(zhujing):
    pagecache.bump_version_now()
    assert 'href="/projects/"' in Client().get("/stats/").content.decode()
    prefixed = Client().get("/c/zhujing/stats/").content.decode()
    assert 'href="/c/zhujing/projects/"' in prefixed
    assert 'href="/projects/"' in Client().get("/stats/").content.decode()


def test_it_names_downloads_after_any_council_but_the_first(zhujing, tinglin):
    root = Client().get("/data/structure.json")
    assert 'filename="structure.json"' in root["Content-Disposition"]
    other = Client().get("/c/tinglin/data/structure.json")
    assert 'filename="tinglin-structure.json"' in other["Content-Disposition"]
    feed = Client().get("/c/tinglin/data/calendar.ics")
    assert 'filename="tinglin-calendar.ics"' in feed["Content-Disposition"]
    assert "亭林镇" in feed.content.decode()


def test_the_health_check_and_static_files_need_no_council(fengjing):
    assert Client().get("/healthz/", HTTP_HOST=HOST).status_code == 200
    with capture_queries() as queries:
        assert Client().get("/healthz/").json() == {"ok": True}
    assert "council" not in str(queries)
    assert Client().get("/static/css/app.css", HTTP_HOST=HOST).status_code == 200


def test_it_lists_the_active_councils_with_their_addresses(zhujing, fengjing, tinglin):
    Council.objects.create(name="吕巷镇", slug="lvxiang", is_active=False)
    html = Client().get(reverse("units:council-list")).content.decode()
    assert '<a href="/c/zhujing/">朱泾镇“心联鑫”</a>' in html
    assert f'<a href="https://{HOST}/">枫泾镇“枫叶红”</a>' in html
    assert '<a href="/c/tinglin/">亭林镇</a>' in html
    assert "吕巷镇" not in html


def test_the_menu_links_to_the_councils_only_when_there_are_several(zhujing):
    assert 'href="/councils/"' not in Client().get("/").content.decode()
    Council.objects.create(name="亭林镇", slug="tinglin")
    pagecache.bump_version_now()
    assert 'href="/councils/"' in Client().get("/").content.decode()
