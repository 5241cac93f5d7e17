"""Two app nodes on one PostgreSQL and one Redis, as docker-compose.yml runs them behind Caddy.

Each node is a gunicorn with the production settings (zhujing/gunicorn_conf.py, two sync
workers here), so each node is several processes with their own memos. Caddy sends a
person's requests to either node, so what one node did must hold on the other:

- a committed write is seen on the other node's next request once the data versions'
  per-process memo has run out (``PROMISED_SECONDS``: the docstrings of core.pagecache and
  accounts.usercache promise a second), on cached public and signed-in pages alike;
- a logout holds on the other node at once (the session is gone from Redis and PostgreSQL),
  a deactivation within that second (the cached user is keyed by the ``users`` version);
- the adoption race holds across both nodes: exactly ``capacity`` winners, no 5xx.

The nodes talk to the test database (pytest-django's, with committed data:
``transaction=True``) and to the suite's Redis; sessions are made by the test process with
the nodes' SECRET_KEY, as the benchmark makes them (demo/management/commands/bench_data.py),
except where the login itself is under test.
"""

import http.client
import threading
import time
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import Client
from django.urls import reverse

from projects.models import Adoption, Project
from tests.factories import (
    PASSWORD,
    JointMeetingFactory,
    MemberUnitFactory,
    ProjectFactory,
    UserFactory,
)
from tests.gunicornserver import free_port, serve, stop
from units.models import Council

ON_POSTGRES_AND_REDIS = connection.vendor == "postgresql" and bool(settings.REDIS_URL)

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRES_AND_REDIS,
        reason="two nodes share PostgreSQL and Redis (DATABASE_URL, REDIS_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]

#: How long another process may still use a data version it read before a write: the
#: memo of core.freshness.models.MemoisedVersion (core.pagecache.VERSION_MEMO_SECONDS).
PROMISED_SECONDS = 1.0
#: Waited after a write before asking the other node: the promise, and a margin for the
#: write's own response to arrive here (the bump commits before node 1 answers).
AFTER_A_WRITE = PROMISED_SECONDS + 0.25
LIAISONS = 12
CAPACITY = 3


def _database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def nodes(django_db_setup, tmp_path_factory):
    """Two gunicorn nodes started side by side; both stopped when the module ends."""
    logs = tmp_path_factory.mktemp("nodes")
    env = {
        "DJANGO_SETTINGS_MODULE": "zhujing.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_REDIS_URL": settings.CACHES["default"]["LOCATION"],
        "CACHE_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        "COMPRESS_HTML": "0",
    }
    started = []
    try:
        for name in ("node1", "node2"):
            port = free_port()
            proc = serve(port, app="zhujing.wsgi:application", log=logs / f"{name}.log", **env)
            started.append((Node(port), proc))
        for node, _proc in started:
            node.wait_until_healthy()
        yield [node for node, _proc in started]
    finally:
        for _node, proc in started:
            stop(proc)


@pytest.fixture(autouse=True)
def _nodes_see_this_tests_database(transactional_db):
    """Each test empties the database, and the first council comes back under a new id; the
    nodes reread the councils with the data version, at most once a second (as after any
    write), so each test begins once that second has passed."""
    Council.first_id()
    time.sleep(AFTER_A_WRITE)


class Node:
    """One node over HTTP, as a phone sees it: no redirects followed, cookies by hand."""

    def __init__(self, port):
        self.port = port

    def request(self, method, path, *, cookies=None, data=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Accept-Language": "zh-hans", **(headers or {})}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        return Answer(response.status, response.getheader("Location", ""), text,
                      _set_cookies(response))  # fmt: skip

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)

    def wait_until_healthy(self):
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.get("/healthz/").status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"node on {self.port} never answered /healthz/")
            time.sleep(0.2)


class Answer:
    def __init__(self, status, location, text, cookies):
        self.status, self.location, self.text, self.cookies = status, location, text, cookies

    def __repr__(self):
        return f"<{self.status} {self.location}>"


def _set_cookies(response):
    cookies = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


class FormFields(HTMLParser):
    """The fields a browser would send from the form whose action is ``action``."""

    def __init__(self, action, page):
        super().__init__()
        self.action, self.page = action, page
        self.inside = False
        self.fields = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = (urlsplit(attrs.get("action") or "").path or self.page) == self.action
        elif not self.inside:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            if kind not in {"submit", "button", "file"}:
                self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _form(html, action, page=None):
    """The fields of the form in ``html`` (the page at ``page``) that posts to ``action``."""
    parser = FormFields(action, page)
    parser.feed(html)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


def _session(user):
    """The cookie of a signed-in session, as the login view leaves it."""
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def _post_form(node, cookies, page, action, **changes):
    """Load ``page``, fill the form that posts to ``action`` as a browser would, post it."""
    shown = node.get(page, cookies=cookies)
    assert shown.status == 200, shown
    cookies = {**cookies, **shown.cookies}
    data = [(k, v) for k, v in _form(shown.text, action, page) if k not in changes]
    data += list(changes.items())
    return node.post(action, data, cookies=cookies), cookies


@pytest.fixture
def office(db):
    return UserFactory(
        username="alice", is_staff=True, display_name="党建办小王", council_id=Council.first_id()
    )


def test_a_write_on_one_node_shows_on_the_others_cached_pages(nodes, office, liaison):
    one, two = nodes
    JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(title="村口路灯维修", capacity=1)
    bob = _session(liaison)
    board = reverse("projects:project-list")
    pages = [
        (board, None),
        (reverse("projects:project-detail", args=[project.pk]), None),
        (board, bob),
    ]
    for _ in range(3):  # each of node 2's workers, most likely, caches and memoises
        for path, cookies in pages:
            seen = two.get(path, cookies=cookies)
            assert seen.status == 200 and "村口路灯维修" in seen.text, (path, seen)

    edit = reverse("projects:project-edit", args=[project.pk])
    saved, _ = _post_form(one, _session(office), edit, edit, title="村口路灯更换")
    assert saved.status == 302, saved.text[:2000]
    time.sleep(AFTER_A_WRITE)

    for path, cookies in pages:
        seen = two.get(path, cookies=cookies)
        assert seen.status == 200
        assert "村口路灯更换" in seen.text and "村口路灯维修" not in seen.text, path


def test_a_logout_on_one_node_holds_on_the_other_at_once(nodes, liaison):
    one, two = nodes
    # A real sign-in on node 1, with a password hash the nodes' settings accept.
    liaison.password = PBKDF2PasswordHasher().encode(PASSWORD, "twonodes")
    liaison.save()
    login = reverse("accounts:login")
    signed_in, cookies = _post_form(
        one, {}, login, login, username=liaison.username, password=PASSWORD
    )
    assert signed_in.status == 302, signed_in.text[:2000]
    cookies = {**cookies, **signed_in.cookies}
    mine = reverse("projects:my-projects")
    for _ in range(3):  # node 2's workers load the session and the user
        opened = two.get(mine, cookies=cookies)
        assert opened.status == 200 and liaison.display_name in opened.text

    logout = reverse("accounts:logout")
    csrf = dict(_form(opened.text, logout))["csrfmiddlewaretoken"]
    left = one.post(logout, {"csrfmiddlewaretoken": csrf}, cookies=cookies)
    assert left.status == 302, left

    for _ in range(3):
        after = two.get(mine, cookies=cookies)
        assert after.status == 302 and after.location.startswith(login), after


def test_a_deactivation_on_one_node_holds_on_the_other(nodes, office, liaison):
    one, two = nodes
    bob = _session(liaison)
    mine = reverse("projects:my-projects")
    for _ in range(3):  # node 2's workers cache bob as he is now
        assert two.get(mine, cookies=bob).status == 200

    users = reverse("accounts:user-list")
    deactivate = reverse("accounts:user-deactivate", args=[liaison.pk])
    done, _ = _post_form(one, _session(office), users, deactivate)
    assert done.status == 302, done
    time.sleep(AFTER_A_WRITE)

    for _ in range(3):
        refused = two.get(mine, cookies=bob)
        assert refused.status == 302, refused
        assert refused.location.startswith(reverse("accounts:login")), refused


def test_the_adoption_race_holds_across_both_nodes(nodes):
    JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=CAPACITY)
    adopt = reverse("projects:project-adopt", args=[project.pk])
    phones = []
    for i in range(LIAISONS):
        unit = MemberUnitFactory()
        user = UserFactory(unit=unit, display_name=f"联络员{i}")
        node = nodes[i % 2]
        cookies = _session(user)
        shown = node.get(adopt, cookies=cookies)
        assert shown.status == 200, shown
        cookies = {**cookies, **shown.cookies}
        form = dict(_form(shown.text, adopt))
        phones.append((node, cookies, {**form, "commitment": f"出资{i}千元"}))

    go = threading.Barrier(LIAISONS)
    answers = [None] * LIAISONS

    def phone(i, node, cookies, data):
        go.wait(timeout=30)
        answers[i] = node.post(adopt, data, cookies=cookies, headers={"HX-Request": "true"})

    threads = [threading.Thread(target=phone, args=(i, *p)) for i, p in enumerate(phones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    statuses = [a.status for a in answers]
    assert statuses == [200] * LIAISONS, statuses
    won = [a for a in answers if "adopt-won" in a.text]
    taken = [a for a in answers if "已被认领" in a.text]
    assert len(won) == CAPACITY, [a.text[:300] for a in answers]
    assert len(taken) == LIAISONS - CAPACITY
    project.refresh_from_db()
    assert project.adopted_count == CAPACITY
    assert project.status == Project.Status.ADOPTED
    assert Adoption.objects.filter(project=project).count() == CAPACITY
