"""The offers to a race's loser: one form that shows the commitment they typed (editable)
and carries their CSRF token, with one button per open project; never a project filled
since (in the process that saw it fill at once, in the others within the version memo's
second; the claim itself refuses a full project either way)."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from projects import actions
from projects.models import Adoption
from tests.factories import JointMeetingFactory, MemberUnitFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True  # the open meeting read once per data version


def _lose(client, project, commitment="出资一万元"):
    url = reverse("projects:project-adopt", args=[project.pk])
    html = client.post(url, {"commitment": commitment}, HTTP_HX_REQUEST="true").content.decode()
    assert "已被认领" in html
    return html


def _offers_form(html):
    return re.search(r'<form [^>]*class="form offers".*?</form>', html, re.S).group(0)


def test_a_project_filled_since_is_no_longer_offered(liaison, unit_b):
    meeting = JointMeetingFactory(adoption_open=True)
    taken = ProjectFactory(capacity=1, category="culture")
    choir = ProjectFactory(title="社区合唱团", category="culture", capacity=1)
    haircut = ProjectFactory(title="便民理发", category="convenience")
    actions.adopt(taken, unit_b, meeting)
    client = Client()
    client.force_login(liaison)

    html = _lose(client, taken)
    assert html.index("社区合唱团") < html.index("便民理发")

    actions.adopt(choir, MemberUnitFactory(name="测试金山供电公司"), meeting)  # now full
    html = _lose(client, taken)
    assert "社区合唱团" not in html
    assert haircut.title in html


def test_the_offers_show_the_commitment_editable_with_one_button_per_project(liaison, unit_b):
    meeting = JointMeetingFactory(adoption_open=True)
    taken = ProjectFactory(capacity=1)
    choir = ProjectFactory(title="社区合唱团")
    haircut = ProjectFactory(title="便民理发")
    actions.adopt(taken, unit_b, meeting)
    client = Client(enforce_csrf_checks=True)
    client.force_login(liaison)
    client.get(reverse("projects:project-adopt", args=[taken.pk]))  # the CSRF cookie
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value

    form = _offers_form(_lose(client, taken, '<b>志愿服务</b>" autofocus="'))
    # What they typed, visible and editable, escaped as text.
    field = re.search(r"<textarea [^>]*name=\"commitment\"[^>]*>(.*?)</textarea>", form, re.S)
    assert field and unescape(field.group(1)).strip() == '<b>志愿服务</b>" autofocus="'
    assert "<b>" not in form and 'type="hidden" name="commitment"' not in form
    assert form.count('name="csrfmiddlewaretoken"') == 1
    actions_ = re.findall(r'<button type="submit" formaction="([^"]+)"', form)
    assert actions_ == [
        reverse("projects:project-adopt", args=[p.pk]) for p in (haircut, choir)
    ]  # same closeness: by title
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    # They change the commitment and tap the choir's button: adopted with the new words.
    del client.defaults["HTTP_X_CSRFTOKEN"]
    client.post(actions_[1], {"commitment": "每周派十名志愿者", "csrfmiddlewaretoken": token})
    adoption = Adoption.objects.get(project=choir, unit=liaison.unit)
    assert adoption.commitment == "每周派十名志愿者"
    assert not Adoption.objects.filter(project=haircut).exists()


def test_the_commitment_waits_in_the_offers_form_after_a_redirect(liaison_client, unit_b):
    """Without htmx the loser is redirected; the offers' form is prefilled from the session."""
    meeting = JointMeetingFactory(adoption_open=True)
    taken = ProjectFactory(capacity=1)
    ProjectFactory(title="社区合唱团")
    actions.adopt(taken, unit_b, meeting)
    url = reverse("projects:project-adopt", args=[taken.pk])

    liaison_client.post(url, {"commitment": "出资两万元"})
    form = _offers_form(liaison_client.get(url).content.decode())
    assert re.search(r'name="commitment"[^>]*>\s*出资两万元</textarea>', form)
