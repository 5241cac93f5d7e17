"""Hostile input gets a 4xx with a Chinese page, never a 500.

Found from outside: ``/needs/track/%00/`` (NUL reached PostgreSQL), ``?need=²``
(``isdigit()`` accepts it, ``int()`` does not), a POST with ``charset=utf-7``. The class is
checked everywhere: every route with hostile path values and query values, for every persona;
and every route again with real objects behind its URL, posting junk dates, huge numbers and
control characters in every field any form has (a ``next`` of ``2026-02-30`` was a 500).
"""

import pytest
from django.urls import reverse

from tests.urlwalk import app_routes, form_field_names

pytestmark = pytest.mark.django_db

HOSTILE_QUERY = (
    "?need=%C2%B2&need=99999999999999999999999&community=%C2%B2&page=%C2%B2&year=%C2%B2"
    "&district=%00&q=%00&status=%00&category=%00&unit=99999999999999999999999&since=%00"
)
HOSTILE_PATH = {"IntConverter": "99999999999999999999999", "StringConverter": "a\x00b"}


def _is_chinese_error_page(response):
    return "无法读取" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/needs/track/%00/", "/needs/track/a%00b/", "/office/projects/new/?need=%C2%B2"],
)
def test_the_reported_urls_answer_4xx_in_chinese(staff_client, url):
    response = staff_client.get(url)
    assert 400 <= response.status_code < 500
    assert "无法读取" in response.content.decode() or "页面不存在" in response.content.decode()


def test_a_post_in_utf7_is_refused_in_chinese(anon):
    response = anon.post(
        reverse("projects:need-create"),
        data="text=%2BAGA-", content_type="application/x-www-form-urlencoded; charset=utf-7",
    )
    assert response.status_code == 400
    assert _is_chinese_error_page(response)


def test_a_nul_in_a_search_is_refused_not_sent_to_the_database(staff_client):
    response = staff_client.get(reverse("units:unit-list") + "?q=%00")
    assert response.status_code == 400
    assert _is_chinese_error_page(response)


def test_a_nul_in_a_posted_field_is_refused(anon):
    response = anon.post(reverse("projects:need-create"), {"text": "a\x00b"})
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["anon", "liaison", "staff"])
def test_no_route_answers_500_to_hostile_values(persona_clients, who):
    client = persona_clients[who]
    client.raise_request_exception = False
    failures = []
    for route in app_routes():
        kwargs = {
            name: HOSTILE_PATH.get(type(conv).__name__, "x")
            for name, conv in route.converters.items()
        }
        try:
            url = route.url(kwargs)
        except Exception:  # the converter refuses the value: no such URL can be asked for
            url = route.url()
        for target in (url, url + HOSTILE_QUERY):
            response = client.get(target)
            if response.status_code >= 500:
                failures.append((target, response.status_code))
    assert failures == []


# --- Every route, every persona, real objects behind the URLs, hostile values in forms ------

from tests.test_permission_matrix import _kwargs, objects  # noqa: E402,F401 (the fixture)

#: Junk dates, huge and odd numbers, control characters: in every field any form has.
HOSTILE_VALUES = {
    "control": "a\x0b\x0c\x1b\x07b",
    "huge": "99999999999999999999999",
    "odd-number": "1e309",
    "junk-date": "2026-02-30",
    "far-date": "99999-12-31",
    "ancient-date": "0001-01-01",
    "superscript": "²",
}
HOSTILE_GET = (
    "?held_on=2026-02-30&since=99999-12-31&date=0000-00-00&q=%0b%1b&page=-1&year=1e309"
    "&visits=99999999999999999999&contributions=%C2%B2&status=%1b&sort=%0b&descending=2"
)


@pytest.mark.parametrize("who", ["anon", "liaison", "other_liaison", "staff"])
def test_no_route_answers_500_to_hostile_forms_on_real_objects(persona_clients, objects, who, settings):
    from django.test import Client

    from tests.factories import UserFactory

    users = {"liaison": objects["liaison"], "staff": UserFactory(username="alice"),
             "other_liaison": UserFactory(username="carol")}  # fmt: skip
    fields = form_field_names()
    failures = []
    for route in app_routes():
        url = reverse(route.name, kwargs=_kwargs(route, objects))
        client = Client(raise_request_exception=False)
        if who in users:
            client.force_login(users[who])  # afresh per route: a route may log out
        if client.get(url + HOSTILE_GET).status_code >= 500:
            failures.append(("GET", url + HOSTILE_GET))
        for label, value in HOSTILE_VALUES.items():
            response = client.post(url, dict.fromkeys(fields, value))
            if response.status_code >= 500:
                failures.append(("POST", url, label, _cause(client, url, fields, value)))
    assert failures == [], "\n".join(map(repr, failures))


def _cause(client, url, fields, value):
    """The exception behind a 500, asked again with the client raising it: what to fix."""
    client.raise_request_exception = True
    try:
        client.post(url, dict.fromkeys(fields, value))
    except Exception as exc:  # noqa: BLE001 - reported, not handled
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    finally:
        client.raise_request_exception = False
    return "500 without an exception"
