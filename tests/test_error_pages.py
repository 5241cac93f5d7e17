"""Errors speak Chinese in the site's layout; the 500 page needs no database."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_it_answers_a_bad_link_with_a_chinese_404_in_the_layout(anon, settings):
    settings.DEBUG = False
    response = anon.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and 'class="site-header"' in html
    assert "Not Found" not in html


def test_it_answers_a_forbidden_page_with_a_chinese_403(liaison_client, settings):
    settings.DEBUG = False
    project = ProjectFactory()
    response = liaison_client.get(reverse("projects:project-edit", args=[project.pk]))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_it_renders_the_500_page_without_touching_the_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统出了点问题" in html and "Server Error" not in html


@pytest.mark.parametrize("code, text", [("400", "请求有误"), ("429", "请求过于频繁")])
def test_it_has_chinese_pages_for_other_errors(rf, code, text):
    request = rf.get("/")
    request.user = AnonymousUser()
    assert text in render_to_string(f"{code}.html", request=request)


def test_the_admin_speaks_chinese_for_every_model_third_party_included(staff_client, staff):
    staff.is_superuser = True
    staff.save()
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert "朱泾镇“心联鑫”区域化党建 · 后台管理" in html
    assert "Django" not in html.split("<body")[1]
    for english in ["Axes", "AXES", "Access attempts", "Access failures", "Access logs"]:
        assert english not in html, english
    assert "登录保护" in html and "登录失败记录" in html


def test_it_answers_a_host_it_does_not_serve_with_a_400_not_a_500(settings):
    """Refused before any middleware set ``request.user``: the 400 page is still drawn
    (a scanner's junk Host, a proxy's health check with the wrong name)."""
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    for host in ("evil.example", "http:"):
        response = client.get("/healthz/", HTTP_HOST=host)
        assert response.status_code == 400, host
