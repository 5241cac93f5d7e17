import pytest
from django.core.cache import cache
from django.urls import reverse

from projects.models import Need
from projects.views.common import NEED_RATE_LIMIT
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db
URL = reverse("projects:need-create")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def community():
    return CommunityFactory(name="五龙村")


def _data(_community, **overrides):
    return {
        "community": _community.pk,
        "category": "construction",
        "text": "爱五路没有路灯，晚上出行不便。",
        "contact_name": "王阿姨",
        "contact_phone": "13812345678",
        "website": "",
        **overrides,
    }


def test_it_shows_the_form_in_chinese(anon):
    html = anon.get(URL).content.decode()
    assert "我要提需求" in html
    assert 'name="website"' in html
    assert 'method="post" action="/needs/new/"' in html


def test_it_records_a_pending_resident_need_and_redirects_to_tracking(anon, community):
    response = anon.post(URL, _data(community))
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:need-track", args=[need.tracking_code])
    assert need.status == Need.Status.PENDING
    assert need.source == Need.Source.RESIDENT
    assert need.contact_phone == "13812345678"
    assert need.project is None


def test_it_keeps_contacts_optional(anon, community):
    response = anon.post(URL, _data(community, contact_name="", contact_phone=""))
    assert response.status_code == 302
    assert Need.objects.count() == 1


def test_it_rejects_a_filled_honeypot(anon, community):
    response = anon.post(URL, _data(community, website="http://spam.example"))
    assert response.status_code == 200  # the form again, with its errors
    assert Need.objects.count() == 0
    assert "您的提交未能被受理" in response.content.decode()


def test_it_limits_the_text_to_1000_characters(anon, community):
    response = anon.post(URL, _data(community, text="路" * 1001))
    assert response.status_code == 200  # the form again, with its errors
    assert Need.objects.count() == 0
    assert "1000" in response.content.decode()
    assert anon.post(URL, _data(community, text="路" * 1000)).status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "", "这个字段是必填项"),
        ("text", "短", "至少"),
        ("community", "", "这个字段是必填项"),
        ("category", "nonsense", "选择一个有效的选项"),
        ("contact_phone", "call me maybe", "请输入只含数字的电话号码"),
        ("contact_name", "名" * 51, "50"),
    ],
)
def test_it_explains_bad_input_in_chinese(anon, community, field, value, message):
    response = anon.post(URL, _data(community, **{field: value}))
    assert response.status_code == 200  # the form again, with its errors
    assert message in response.content.decode()
    assert Need.objects.count() == 0


def test_it_rate_limits_per_client_ip(anon, community):
    for i in range(NEED_RATE_LIMIT):
        response = anon.post(URL, _data(community, text=f"第{i}条需求：希望装路灯。"),
                             REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 302
    response = anon.post(URL, _data(community), REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "请稍后再试" in response.content.decode()
    assert Need.objects.count() == NEED_RATE_LIMIT
    # Another address is not affected.
    assert anon.post(URL, _data(community), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_it_does_not_count_rejected_submissions_against_the_limit(anon, community):
    for _ in range(NEED_RATE_LIMIT + 2):
        anon.post(URL, _data(community, text=""), REMOTE_ADDR="10.0.0.3")
    assert anon.post(URL, _data(community), REMOTE_ADDR="10.0.0.3").status_code == 302


def test_it_offers_only_active_communities(anon, community):
    CommunityFactory(name="已撤并村", is_active=False)
    html = anon.get(URL).content.decode()
    assert "五龙村" in html
    assert "已撤并村" not in html


def test_it_counts_the_address_a_trusted_proxy_saw(anon, community, settings):
    settings.NUM_PROXIES = 1
    for i in range(NEED_RATE_LIMIT):
        anon.post(URL, _data(community, text=f"第{i}条需求：希望装路灯。"),
                  REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    blocked = anon.post(URL, _data(community), REMOTE_ADDR="10.9.9.9",
                        HTTP_X_FORWARDED_FOR="9.9.9.9, 5.6.7.8")
    assert blocked.status_code == 429  # the forged first hop does not help
    other = anon.post(URL, _data(community), REMOTE_ADDR="10.9.9.9",
                      HTTP_X_FORWARDED_FOR="5.6.7.9")
    assert other.status_code == 302
