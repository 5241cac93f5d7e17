"""查询我的需求: a resident types the tracking code they were given."""

import pytest
from django.urls import reverse

from projects.models import TRACKING_ALPHABET
from tests.factories import NeedFactory

pytestmark = pytest.mark.django_db
URL = reverse("projects:need-lookup")


def test_it_finds_the_need_ignoring_case_and_spaces(anon):
    need = NeedFactory(tracking_code="ABCD2345WXYZ")
    response = anon.get(URL, {"code": " abcd 2345\u3000wxyz "})
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:need-track", args=[need.tracking_code])


def test_it_says_in_chinese_when_no_need_has_the_code(anon):
    NeedFactory(tracking_code="ABCD2345WXYZ")
    response = anon.get(URL, {"code": "ABCD2345WXYQ"})
    assert response.status_code == 200  # the form again, with its errors
    assert "没有找到" in response.content.decode()


def test_it_shows_an_empty_form_first(anon):
    response = anon.get(URL)
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_it_gives_new_needs_a_code_of_unambiguous_capitals_shown_in_groups(anon):
    need = NeedFactory()
    assert len(need.tracking_code) == 12 and set(need.tracking_code) <= set(TRACKING_ALPHABET)
    html = anon.get(reverse("projects:need-track", args=[need.tracking_code])).content.decode()
    assert need.tracking_code_groups in html and need.tracking_code_groups.count(" ") == 2
