"""The loser of a race is offered open projects read once per data version (per process):
with the page cache on and real commits, a project filled since is never offered."""

import pytest
from django.test import Client
from django.urls import reverse

from projects import actions
from tests.factories import JointMeetingFactory, MemberUnitFactory, ProjectFactory
from tests.queries import capture_queries

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True


def _lose(client, project):
    url = reverse("projects:project-adopt", args=[project.pk])
    with capture_queries() as queries:
        html = client.post(url, {"commitment": "出资一万元"}, HTTP_HX_REQUEST="true").content.decode()
    assert "已被认领" in html
    return html, queries


def test_a_project_filled_since_is_no_longer_offered(liaison, unit_b):
    meeting = JointMeetingFactory(adoption_open=True)
    taken = ProjectFactory(capacity=1, category="culture")
    choir = ProjectFactory(title="社区合唱团", category="culture", capacity=1)
    haircut = ProjectFactory(title="便民理发", category="convenience")
    actions.adopt(taken, unit_b, meeting)
    client = Client()
    client.force_login(liaison)

    html, _ = _lose(client, taken)
    assert html.index("社区合唱团") < html.index("便民理发")
    html, again = _lose(client, taken)  # the list is not read again
    assert not [q for q in again.captured if '"adopted_count" <' in q["sql"]], str(again)

    actions.adopt(choir, MemberUnitFactory(name="测试金山供电公司"), meeting)  # now full
    html, _ = _lose(client, taken)
    assert "社区合唱团" not in html
    assert haircut.title in html
