import pytest
from django.core.cache import cache
from django.urls import reverse

from projects import actions, screen
from tests.factories import (
    AdoptionFactory,
    CommunityFactory,
    DistrictFactory,
    JointMeetingFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_it_polls_every_three_seconds(anon):
    meeting = JointMeetingFactory(title="心联鑫联席会议")
    body = anon.get(reverse("projects:meeting-screen", args=[meeting.pk])).content.decode()
    assert 'data-hx-trigger="every 3s"' in body
    assert reverse("projects:meeting-screen-stats", args=[meeting.pk]) in body
    assert "心联鑫联席会议" in body


@pytest.mark.parametrize("viewer", ["anon", "staff_client"])
def test_it_serves_the_poll_from_the_cache_without_queries(
    request, viewer, unit_a, django_assert_max_num_queries
):
    client = request.getfixturevalue(viewer)  # a signed-in projector has a session too
    meeting = JointMeetingFactory()
    url = reverse("projects:meeting-screen-stats", args=[meeting.pk])
    client.get(url)  # warms the cache

    with django_assert_max_num_queries(1):  # the data version, read at most once a second
        response = client.get(url)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    with django_assert_max_num_queries(1):
        assert client.get(reverse("projects:meeting-screen", args=[meeting.pk])).status_code == 200


def test_it_shows_a_new_adoption_on_the_next_poll(anon, unit_a, django_capture_on_commit_callbacks):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(title="南圩法治大讲堂", category="culture")
    url = reverse("projects:meeting-screen-stats", args=[meeting.pk])
    zero = '<span class="screen-number" id="screen-units">0</span>'
    assert zero in anon.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        actions.adopt(project, unit_a, meeting)

    body = anon.get(url).content.decode()
    assert '<span class="screen-number" id="screen-units">1</span>' in body
    assert '<span class="screen-number" id="screen-projects">1</span>' in body
    assert "南圩法治大讲堂" in body
    assert unit_a.name in body
    stats = cache.get(screen.screen_cache_key(meeting.pk))
    assert dict(stats["by_category"])["culture"] == 1


def test_it_404s_for_an_unknown_meeting(anon):
    assert anon.get(reverse("projects:meeting-screen-stats", args=[987654])).status_code == 404


def test_it_counts_projects_still_to_adopt_and_adoptions_per_district(anon, unit_a):
    meeting = JointMeetingFactory()
    south = DistrictFactory(name="城南")
    DistrictFactory(name="西片")
    taken = ProjectFactory(community=CommunityFactory(district=south), status="adopted", adopted_count=1)
    AdoptionFactory(project=taken, unit=unit_a, meeting=meeting)
    ProjectFactory()
    ProjectFactory()
    html = anon.get(reverse("projects:meeting-screen", args=[meeting.pk])).content.decode()
    assert 'id="screen-remaining">2<' in html and "个项目待认领" in html
    assert "<span>城南</span>" in html and "<span>西片</span>" in html


def test_it_shows_phones_the_tally_under_the_normal_header(anon):
    meeting = JointMeetingFactory(title="心联鑫联席会议")
    html = anon.get(reverse("projects:meeting-live", args=[meeting.pk])).content.decode()
    assert 'class="site-header"' in html and 'id="screen-stats"' in html
    assert reverse("projects:meeting-screen", args=[meeting.pk]) in html
