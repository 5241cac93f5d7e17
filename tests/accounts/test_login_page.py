"""The login page says why sign-in is needed when a QR code led there, and who to ask for a
forgotten password."""

import pytest
from django.urls import reverse

from projects.models import Project
from tests.factories import PASSWORD, ProjectFactory

pytestmark = pytest.mark.django_db


def test_it_names_the_project_a_qr_code_was_for(anon):
    project = ProjectFactory(title="社区老年助餐点", status=Project.Status.OPEN)
    adopt = reverse("projects:project-adopt", args=[project.pk])
    response = anon.get(adopt, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "社区老年助餐点" in html and project.community.name in html
    assert "联络员账号" in html  # why: adopting needs a liaison's account
    assert f'href="{reverse("projects:project-detail", args=[project.pk])}"' in html


def test_it_names_no_draft_and_no_other_page(anon):
    draft = ProjectFactory(title="内部草稿项目", status=Project.Status.DRAFT)
    html = anon.get(reverse("accounts:login"), {"next": f"/projects/{draft.pk}/adopt/"}).content
    assert "内部草稿项目" not in html.decode()
    html = anon.get(reverse("accounts:login"), {"next": "https://evil.example/x"}).content
    assert "login-reason" not in html.decode()


def test_it_tells_who_resets_a_forgotten_password(anon, settings):
    html = anon.get(reverse("accounts:login")).content.decode()
    assert "忘记密码" in html and "镇党建办" in html
    settings.OFFICE_CONTACT = "党建办 王老师 57321234"
    assert "党建办 王老师 57321234" in anon.get(reverse("accounts:login")).content.decode()


def test_it_still_signs_in_and_returns_to_the_project(anon, liaison):
    project = ProjectFactory(status=Project.Status.OPEN)
    adopt = reverse("projects:project-adopt", args=[project.pk])
    response = anon.post(
        reverse("accounts:login"), {"username": "bob", "password": PASSWORD, "next": adopt}
    )
    assert response.status_code == 302 and response["Location"] == adopt
