"""One pager for every list: it keeps the filters, and htmx attributes sit on the <nav>."""

import re

import pytest
from django.urls import reverse

from tests.factories import MemberUnitFactory, NeedFactory
from tests.projects.board_helpers import make_board

pytestmark = pytest.mark.django_db


def _pager(response):
    html = response.content.decode()
    match = re.search(r"<nav class=\"pagination\"[^>]*>.*?</nav>", html, re.S)
    assert match, "no pager on the page"
    return match.group(0)


def _links(pager):
    return re.findall(r"<a [^>]*>", pager)


@pytest.mark.parametrize(
    ("who", "make", "url", "query", "target"),
    [
        ("anon", lambda: make_board(150), "projects:project-list", "category=culture", "#results"),
        (
            "anon",
            lambda: make_board(55, statuses=("completed",)),
            "projects:project-archive",
            "from=qr",
            None,
        ),
        (
            "staff_client",
            lambda: NeedFactory.create_batch(35),
            "projects:need-inbox",
            "status=pending",
            "#results",
        ),
        (
            "staff_client",
            lambda: MemberUnitFactory.create_batch(30),
            "units:unit-list",
            "q=%E5%8D%95",
            "#unit-rows",
        ),
    ],
)
def test_it_keeps_the_query_and_sets_htmx_once_on_the_nav(request, who, make, url, query, target):
    make()
    client = request.getfixturevalue(who)
    response = client.get(f"{reverse(url)}?{query}")
    pager = _pager(response)
    next_links = [a for a in _links(pager) if "page=2" in a]

    assert next_links, pager
    assert f'href="?{query}&amp;page=2"' in next_links[0]
    for link in _links(pager):
        assert "data-hx-target" not in link and "data-hx-push-url" not in link
    nav = pager[: pager.index(">") + 1]
    if target:
        assert f'data-hx-target="{target}"' in nav and 'data-hx-push-url="true"' in nav
        assert f'data-hx-get="?{query}&amp;page=2"' in next_links[0]
    else:
        assert "hx-" not in pager
