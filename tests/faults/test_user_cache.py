"""The signed-in user and their unread count from Redis (accounts.usercache),
against a real redis-server stopped and restarted by pid with its append-only file: no
query for the user on a warm page, and never a user or a badge older than the last commit."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import JointMeetingFactory, ProjectFactory
from tests.queries import capture_queries
from tests.redisserver import RedisServer, needs_redis_server, redis_session_engine, use_as_cache
from reminders.models import Notification

pytestmark = [needs_redis_server, pytest.mark.django_db(transaction=True)]

PORT = 16466
MINE = reverse("units:my-pairings")
BADGE = 'class="badge" aria-hidden="true"'  # the inbox's unread count


@pytest.fixture
def redis_server(settings, tmp_path):
    server = RedisServer(PORT, tmp_path / "redis", appendonly=True).start()
    use_as_cache(settings, server)
    settings.SESSION_ENGINE = redis_session_engine()
    settings.USER_CACHE = True
    yield server
    server.stop()


@pytest.fixture
def bob(redis_server, liaison):
    client = Client(raise_request_exception=False)
    client.force_login(liaison)
    return client


def _page(client):
    response = client.get(MINE)
    return response.status_code, response.content.decode()


def test_a_warm_signed_in_page_loads_the_user_and_their_unit_from_redis(bob):
    _page(bob)
    with capture_queries() as queries:
        status, _html = _page(bob)
    assert status == 200
    loads = [q for q in queries.captured if 'FROM "accounts_user"' in q["sql"]
             or 'FROM "units_memberunit" WHERE "units_memberunit"."id"' in q["sql"]]
    assert loads == [], str(queries)


def test_a_new_notice_costs_a_count_not_the_user_again(bob, liaison):
    _page(bob)
    Notification.objects.bulk_create([Notification(user=liaison, title="认领成功")])
    with capture_queries() as queries:
        status, html = _page(bob)
    assert status == 200 and BADGE in html
    assert [q for q in queries.captured if 'FROM "accounts_user"' in q["sql"]] == [], str(queries)


def test_a_change_to_the_liaisons_unit_shows_on_the_next_page(bob, liaison):
    adopt = reverse("projects:project-adopt", args=[ProjectFactory().pk])
    JointMeetingFactory(adoption_open=True)
    assert liaison.unit.name in bob.get(adopt).content.decode()
    liaison.unit.name = "测试区财政局（更名）"
    liaison.unit.save()
    assert "测试区财政局（更名）" in bob.get(adopt).content.decode()


def test_a_deactivated_account_is_refused_on_its_next_page(bob, liaison):
    assert _page(bob)[0] == 200
    liaison.is_active = False
    liaison.save()
    assert _page(bob)[0] == 302  # to the sign-in page


def test_the_badge_counts_notices_created_and_read_in_bulk(bob, liaison):
    assert BADGE not in _page(bob)[1]
    Notification.objects.bulk_create([Notification(user=liaison, title="走访提醒")])
    assert BADGE in _page(bob)[1]
    Notification.objects.mark_all_read(liaison)
    assert BADGE not in _page(bob)[1]


def test_a_cache_restored_from_disk_never_brings_back_an_older_user(bob, liaison, redis_server):
    assert _page(bob)[0] == 200  # bob, active, is now in Redis
    redis_server.stop()  # writes its append-only file, bob with it
    liaison.is_active = False
    liaison.save()
    redis_server.start()
    assert redis_server.client().dbsize() > 0
    assert _page(bob)[0] == 302


def _user_loads(client):
    with capture_queries() as queries:
        status, _html = _page(client)
    assert status == 200
    return [q for q in queries.captured if 'FROM "accounts_user"' in q["sql"]]


def test_another_liaison_signing_in_leaves_the_cached_users_cached(bob, other_liaison):
    """143 liaisons sign in as the joint meeting begins; each sign-in stamps last_login,
    which must not send every other signed-in liaison back to the database."""
    from tests.factories import PASSWORD

    _page(bob)
    assert Client().login(username=other_liaison.username, password=PASSWORD)
    assert _user_loads(bob) == []


def test_a_loaded_user_stays_cached_from_sign_in_to_the_adoption_window(bob, liaison, redis_server):
    """The window opens an hour or two after the meeting begins: the user loaded then must
    still be in Redis when all liaisons adopt at once."""
    _page(bob)
    keys = [k for k in redis_server.client().keys("*") if b":user:" in k]
    assert len(keys) == 1
    assert redis_server.client().ttl(keys[0]) >= 2 * 60 * 60


@pytest.fixture
def failing_users_bump():
    """A real fault in the database: bumping the users' version fails until dropped."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the fault is a PostgreSQL trigger")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_users_bump() RETURNS trigger AS $$ BEGIN "
            "IF NEW.name = 'users' THEN RAISE EXCEPTION 'bump refused'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_users_bump BEFORE INSERT OR UPDATE ON freshness_dataversion "
            "FOR EACH ROW EXECUTE FUNCTION refuse_users_bump()"
        )

    def drop():
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS refuse_users_bump ON freshness_dataversion")
            cursor.execute("DROP FUNCTION IF EXISTS refuse_users_bump()")

    yield drop
    drop()


def test_a_deactivation_whose_bump_failed_is_refused_once_the_database_answers(
    bob, liaison, failing_users_bump
):
    """The account is switched off and committed, but the version bump after it fails: the
    cached user must not stay signed in for the cache's hours."""
    assert _page(bob)[0] == 200  # bob is cached
    liaison.is_active = False
    liaison.save(update_fields=["is_active"])  # committed; its bump is refused
    failing_users_bump()
    assert _page(bob)[0] == 302  # to the sign-in page


def test_a_copy_of_another_user_under_the_users_key_is_never_served(
    bob, liaison, other_liaison, redis_server
):
    """The copies are kept per user id; whatever a key holds, the session's own user is
    the one signed in."""
    from django.core.cache import cache as default_cache

    from accounts import usercache

    adopt = reverse("projects:project-adopt", args=[ProjectFactory().pk])
    JointMeetingFactory(adoption_open=True)
    bob.get(adopt)
    user_key = usercache.keys(liaison.pk)[0]
    assert default_cache.get(user_key).pk == liaison.pk  # kept under the user's id
    default_cache.set(user_key, other_liaison)
    html = bob.get(adopt).content.decode()
    assert liaison.unit.name in html
    assert other_liaison.unit.name not in html
