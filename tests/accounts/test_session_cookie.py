"""Junk in the session cookie (a NUL, a quote, any length) means no session, never a 500:
PostgreSQL refuses a NUL in a query's text, so such a key must never reach it."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch

from tests.urlwalk import app_routes

JUNK = ["abcdefgh\x00ijklmnop", "\x00" * 32, "x" * 4000, "'; DROP TABLE django_session; --", "é" * 32]


@pytest.mark.django_db
@pytest.mark.parametrize("junk", JUNK)
def test_it_answers_every_page_without_a_500_for_a_junk_session_cookie(junk):
    client = Client(raise_request_exception=False)
    failures = []
    for route in app_routes():
        try:
            url = route.url()
        except NoReverseMatch:
            continue  # a route whose parameter no dummy value fits (a regular expression)
        client.cookies[settings.SESSION_COOKIE_NAME] = junk
        status = client.get(url).status_code
        if status >= 500 and Client(raise_request_exception=False).get(url).status_code < 500:
            failures.append((route.name, status))  # the cookie's doing, not the route's
    assert failures == []


@pytest.mark.django_db
def test_it_shows_the_public_board_to_a_nul_cookie_as_to_anyone(anon):
    anon.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijklmnop"
    response = anon.get("/")
    assert response.status_code == 200
