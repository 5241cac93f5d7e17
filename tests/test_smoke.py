import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_serves_the_home_page_in_chinese(anon):
    response = anon.get(reverse("home"))
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "<meta charset=\"utf-8\">" in response.content.decode()


def test_it_reports_health(anon):
    assert anon.get(reverse("healthz")).json() == {"ok": True}


def test_it_sends_a_strict_csp(anon):
    csp = anon.get(reverse("home"))["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
