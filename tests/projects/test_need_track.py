import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import Need, Project
from tests.factories import NeedFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _track(client, need):
    return client.get(reverse("projects:need-track", args=[need.tracking_code]))


def test_it_shows_a_pending_need(anon):
    need = NeedFactory(contact_name="王阿姨", contact_phone="13811112222")
    response = _track(anon, need)
    html = response.content.decode()
    assert response.status_code == 200
    assert "待审核" in html
    assert "希望小区加装扶手" in html
    assert "王阿姨" not in html
    assert "13811112222" not in html


def test_it_shows_an_accepted_need_with_its_project(anon):
    project = ProjectFactory(title="阳光坡道", status=Project.Status.OPEN)
    need = NeedFactory()
    need.accept(project)
    html = _track(anon, need).content.decode()
    assert "已采纳" in html
    assert reverse("projects:project-detail", args=[project.pk]) in html
    assert "阳光坡道" in html


def test_it_does_not_link_to_a_draft_project(anon):
    project = ProjectFactory(title="筹备中的项目", status=Project.Status.DRAFT)
    need = NeedFactory()
    need.accept(project)
    html = _track(anon, need).content.decode()
    assert "已采纳" in html
    assert "筹备中的项目" not in html
    assert "即将公布" in html


def test_it_shows_a_declined_need_with_the_public_reply(anon):
    need = NeedFactory()
    need.decline("场地有限，暂不具备建设条件。")
    html = _track(anon, need).content.decode()
    assert "未采纳" in html
    assert "场地有限，暂不具备建设条件。" in html


def test_it_answers_404_for_an_unknown_code(anon):
    response = anon.get(reverse("projects:need-track", args=["no-such-code"]))
    assert response.status_code == 404


def test_it_refuses_to_decline_without_a_reason():
    need = NeedFactory()
    with pytest.raises(ValidationError, match="reply"):
        need.decline("   ")
    need.refresh_from_db()
    assert need.status == Need.Status.PENDING
