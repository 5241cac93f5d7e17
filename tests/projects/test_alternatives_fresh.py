"""The loser of a race is offered open projects read once per data version (per process):
with the page cache on and real commits, a project filled since is never offered."""

import pytest
from django.conf import settings
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
        html = client.post(
            url, {"commitment": "出资一万元"}, HTTP_HX_REQUEST="true"
        ).content.decode()
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


def _offers_rendered_during(client, project, commitment=None):
    """The loser's panel (a GET without ``commitment``), and whether the offers' template
    was rendered for it."""
    from django.test.signals import template_rendered

    names = []

    def seen(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(seen)
    try:
        url = reverse("projects:project-adopt", args=[project.pk])
        if commitment is None:
            html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        else:
            html = client.post(url, {"commitment": commitment}, HTTP_HX_REQUEST="true")
            html = html.content.decode()
    finally:
        template_rendered.disconnect(seen)
    return html, "projects/_offer.html" in names


def test_each_offer_is_rendered_once_and_each_loser_gets_their_own_token(
    liaison, other_liaison, unit_a
):
    import re

    from core.pagecache import PLACEHOLDER

    meeting = JointMeetingFactory(adoption_open=True)
    taken = ProjectFactory(capacity=1, category="culture")
    choir = ProjectFactory(title="社区合唱团", category="culture", capacity=2)
    actions.adopt(taken, MemberUnitFactory(name="测试金山供电公司"), meeting)
    bob, carol = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    bob.force_login(liaison)
    carol.force_login(other_liaison)
    for client in (bob, carol):
        client.get(reverse("projects:project-adopt", args=[taken.pk]))  # the CSRF cookie
        client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value

    html, rendered = _offers_rendered_during(bob, taken, "出资一万元")
    assert rendered and "社区合唱团" in html
    html, rendered = _offers_rendered_during(carol, taken, "出资一万元")
    assert not rendered  # the same offers, commitment and language: rendered once
    assert PLACEHOLDER not in html
    html, rendered = _offers_rendered_during(carol, taken, '<b>志愿服务</b>" autofocus="')
    assert not rendered  # each unit words its commitment its own way: the same offers
    assert 'value="&lt;b&gt;志愿服务&lt;/b&gt;&quot; autofocus=&quot;"' in html
    assert "出资一万元" not in html and "-placeholder__" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    html, _rendered = _offers_rendered_during(carol, taken)  # kept since the first GET
    # No commitment to carry: the offers link to their projects, with no placeholder left.
    assert 'name="commitment"' not in html and "社区合唱团" in html and "-placeholder__" not in html

    # Carol's copy carries her own token: her one-tap form adopts with it.
    del carol.defaults["HTTP_X_CSRFTOKEN"]
    adopt = reverse("projects:project-adopt", args=[choir.pk])
    carol.post(adopt, {"commitment": "志愿服务", "csrfmiddlewaretoken": token})
    assert choir.adoptions.filter(unit=other_liaison.unit).exists()

    # An adoption elsewhere changes nothing an offer shows; an edited title does.
    html, rendered = _offers_rendered_during(bob, taken, "出资一万元")
    assert not rendered and "社区合唱团" in html
    choir.title = "社区合唱团（周末班）"
    choir.save()
    html, rendered = _offers_rendered_during(bob, taken, "出资一万元")
    assert rendered and "社区合唱团（周末班）" in html

    # Another language is another rendering.
    bob.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html, rendered = _offers_rendered_during(bob, taken, "出资一万元")
    assert rendered and "Adopt this one with the same commitment" in html
