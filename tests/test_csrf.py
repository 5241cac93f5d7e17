"""Every POST, htmx ones included, needs the CSRF token."""

import json
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.urlwalk import app_routes

pytestmark = pytest.mark.django_db

ROUTES = app_routes()


def test_it_walks_a_real_urlconf():
    names = {route.name for route in ROUTES}
    assert {"home", "accounts:login", "accounts:user-create", "set_language"} <= names
    assert "admin:index" in names
    assert not any(n.startswith("admin:") and n != "admin:index" for n in names)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_it_refuses_a_post_without_the_csrf_token(route, staff, caplog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        response = client.post(route.url(), {"anything": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403, f"{route.name} accepted a POST without a CSRF token"
    assert any(r.name == "django.security.csrf" for r in caplog.records)


def _body_token(html):
    match = re.search(r"<body data-hx-headers='([^']*)'", html)
    assert match, "the <body> has no data-hx-headers"
    return json.loads(match.group(1))["X-CSRFToken"]


def test_it_puts_the_csrf_header_for_htmx_on_the_body(anon):
    html = anon.get(reverse("home")).content.decode()
    token = _body_token(html)
    assert len(token) == 64


def test_it_accepts_an_htmx_post_with_the_header_from_the_body(liaison):
    client = Client(enforce_csrf_checks=True)
    client.force_login(liaison)
    token = _body_token(client.get(reverse("home")).content.decode())

    response = client.post(reverse("accounts:logout"), HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
