"""The backend that loads the signed-in user with the header's unread count."""

import pytest

from tests.factories import UserFactory
from tests.queries import capture_queries
from reminders.backends import InboxAwareModelBackend
from reminders.models import Notification

pytestmark = pytest.mark.django_db


def test_it_loads_the_user_with_the_unread_count_in_one_query(liaison, staff):
    Notification.objects.create(user=liaison, title="测试通知一")
    Notification.objects.create(user=liaison, title="测试通知二")
    Notification.objects.create(user=staff, title="测试别人的通知")
    with capture_queries() as queries:
        user = InboxAwareModelBackend().get_user(str(liaison.pk))
    assert user == liaison
    assert user.unread_notifications == 2
    loads = [q for q in queries.captured if "accounts_user" in q["sql"]]
    assert len(loads) == 1, str(queries)  # beside it, the data versions of the user cache


def test_it_refuses_an_inactive_user_an_unknown_id_and_a_malformed_one():
    inactive = UserFactory(username="dora", is_active=False)
    backend = InboxAwareModelBackend()
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(inactive.pk + 1000) is None
    assert backend.get_user("x1") is None
