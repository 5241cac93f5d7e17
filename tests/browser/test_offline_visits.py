"""A liaison records visits where there is no signal; they upload once the network returns.

Chromium's network is cut with ``context.set_offline``; the visits wait in the phone's
localStorage and the server takes each visit's id once.
"""

import datetime

import pytest
from django.utils import timezone

from tests.browser.axe import serious_violations
from tests.factories import PairingFactory
from units.models import Pairing, Visit

pytestmark = pytest.mark.browser

KEPT_PAGES = """async () => {
  const cache = await caches.open('zhujing-pages-v1');
  return (await cache.keys()).map(r => new URL(r.url).pathname);
}"""


@pytest.fixture
def pairing(unit_a):
    return PairingFactory(unit=unit_a, community__name="测试田头村")


def _days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def _ready_for_the_field(page, pairing):
    """Open the pairings page online once: the service worker keeps it and the visit form."""
    page.goto("/my/pairings/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    form = f"/my/pairings/{pairing.pk}/visits/new/"
    for _ in range(50):
        if form in page.evaluate(KEPT_PAGES):
            break
        page.wait_for_timeout(100)
    assert form in page.evaluate(KEPT_PAGES)


def _record(page, pairing, *, days_ago, what):
    page.goto(f"/my/pairings/{pairing.pk}/visits/new/")
    page.fill("input[name=visited_on]", _days_ago(days_ago).isoformat())
    page.fill("textarea[name=activities]", what)
    page.click("main form button[type=submit]")


def _waiting(page):
    page.wait_for_selector("[data-offline-queue]:not([hidden])")
    return page.locator("[data-offline-queue] [data-rows] > li").count()


def test_it_keeps_two_visits_made_offline_and_uploads_each_once(new_browser_page, liaison, pairing):
    page = new_browser_page()
    page.sign_in_as(liaison)
    _ready_for_the_field(page, pairing)

    page.context.set_offline(True)
    _record(page, pairing, days_ago=5, what="田头党支部座谈")
    page.wait_for_url("**/my/pairings/")
    assert page.locator("[data-just-saved]").is_visible()
    assert "已保存在本机，联网后自动上传" in page.inner_text("[data-offline-queue]")
    _record(page, pairing, days_ago=2, what="帮助收割")
    page.wait_for_url("**/my/pairings/")
    page.reload()
    assert _waiting(page) == 2
    assert page.inner_text("[data-offline-badge] [data-count]") == "2"
    page.screenshot("offline-visits-waiting-375")
    assert serious_violations(page) == []
    assert not Visit.objects.exists()

    page.context.set_offline(False)
    page.reload()
    page.wait_for_selector("[data-offline-badge]", state="hidden")
    visits = sorted(Visit.objects.filter(pairing=pairing).values_list("visited_on", "activities"))
    assert visits == [(_days_ago(5), "田头党支部座谈"), (_days_ago(2), "帮助收割")]
    assert [e for e in page.errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_a_visit_whose_answer_was_lost_is_stored_once(new_browser_page, liaison, pairing):
    """The network drops after the server stored the visit but before the phone heard: the
    phone keeps the visit and sends it again, and the server stores it once."""
    page = new_browser_page()
    page.sign_in_as(liaison)
    _ready_for_the_field(page, pairing)
    dropped, sent = [], []

    def drop_the_first_answer(route):
        sent.append(route.request.url)
        if dropped:
            route.continue_()
            return
        route.fetch()  # the server stores the visit
        dropped.append(route.request.url)
        route.abort("internetdisconnected")

    page.route("**/visits/upload/", drop_the_first_answer)
    _record(page, pairing, days_ago=1, what="走访慰问")
    page.wait_for_url("**/my/pairings/")
    # The pairings page sends the queue again as it loads: the server answers "already
    # stored" and the phone lets the visit go.
    for _ in range(100):
        if (
            len(sent) >= 2
            and page.evaluate("() => localStorage.getItem('zhujing.visitQueue.v1')") == "[]"
        ):
            break
        page.wait_for_timeout(100)
    assert len(dropped) == 1 and len(sent) == 2
    assert page.evaluate("() => localStorage.getItem('zhujing.visitQueue.v1')") == "[]"
    assert Visit.objects.count() == 1


def test_two_tabs_with_the_same_queue_upload_it_once(new_browser_page, liaison, pairing):
    page = new_browser_page()
    page.sign_in_as(liaison)
    _ready_for_the_field(page, pairing)
    page.context.set_offline(True)
    for days in (3, 4, 6):
        _record(page, pairing, days_ago=days, what=f"走访{days}")
        page.wait_for_url("**/my/pairings/")
    other = page.context.new_page()
    other.goto(page.base_url + "/my/pairings/")

    page.context.set_offline(False)
    # Both tabs send the queue at once: each visit's id is stored once.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    other.evaluate("window.dispatchEvent(new Event('online'))")
    page.reload()
    other.reload()
    page.wait_for_selector("[data-offline-badge]", state="hidden")
    other.wait_for_selector("[data-offline-badge]", state="hidden")
    assert sorted(Visit.objects.values_list("visited_on", flat=True)) == sorted(
        [_days_ago(3), _days_ago(4), _days_ago(6)]
    )


def test_a_refused_visit_stays_on_the_phone_with_its_reason(new_browser_page, liaison, pairing):
    page = new_browser_page()
    page.sign_in_as(liaison)
    _ready_for_the_field(page, pairing)
    page.context.set_offline(True)
    _record(page, pairing, days_ago=1, what="最后一次走访")
    page.wait_for_url("**/my/pairings/")

    Pairing.objects.get(pk=pairing.pk).end()  # the office ended the pairing meanwhile
    page.context.set_offline(False)
    page.reload()
    page.wait_for_selector(".queue-refused")
    status = page.inner_text(".queue-refused [data-status]")
    assert "未被接受" in status and "结对已结束" in status
    assert page.inner_text("[data-offline-badge] [data-count]") == "1"
    page.screenshot("offline-visit-refused-375")
    assert serious_violations(page) == []
    assert not Visit.objects.exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".queue-refused [data-discard]")
    page.wait_for_selector("[data-offline-badge]", state="hidden")
    assert page.locator("[data-offline-queue]").is_hidden()


def test_without_a_service_worker_the_form_keeps_the_queue(new_browser_page, liaison, pairing):
    """WeChat's browser on iOS runs no service worker: the queue still lives on the phone."""
    page = new_browser_page(service_workers="block")
    page.sign_in_as(liaison)
    page.goto(f"/my/pairings/{pairing.pk}/visits/new/")
    page.context.set_offline(True)
    page.fill("input[name=visited_on]", _days_ago(7).isoformat())
    page.fill("textarea[name=activities]", "村头宣讲")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-offline-status]:not([hidden])")
    assert "已保存在本机" in page.inner_text("[data-offline-status]")
    assert page.inner_text("[data-offline-badge] [data-count]") == "1"
    assert page.input_value("textarea[name=activities]") == ""  # ready for the next visit
    page.screenshot("offline-visit-no-worker-375")
    assert serious_violations(page) == []

    page.context.set_offline(False)
    page.goto("/my/pairings/")
    page.wait_for_selector("[data-offline-badge]", state="hidden")
    assert list(Visit.objects.values_list("visited_on", "activities")) == [
        (_days_ago(7), "村头宣讲")
    ]


def test_a_visit_refused_for_a_field_is_corrected_and_sent(new_browser_page, liaison, pairing):
    page = new_browser_page()
    page.sign_in_as(liaison)
    _ready_for_the_field(page, pairing)
    page.context.set_offline(True)
    page.goto(f"/my/pairings/{pairing.pk}/visits/new/")
    page.fill("input[name=visited_on]", "2019-06-01")  # before the pairing started
    page.fill("textarea[name=activities]", "送温暖")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/my/pairings/")

    page.context.set_offline(False)
    page.reload()
    page.wait_for_selector(".queue-refused")
    assert "结对尚未开始" in page.inner_text(".queue-refused [data-status]")
    page.click(".queue-refused [data-edit]")
    page.wait_for_url(f"**/my/pairings/{pairing.pk}/visits/new/#queued=*")
    assert page.input_value("textarea[name=activities]") == "送温暖"
    page.fill("input[name=visited_on]", _days_ago(1).isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url("**/my/pairings/")
    page.wait_for_selector("[data-offline-badge]", state="hidden")
    assert list(Visit.objects.values_list("visited_on", "activities")) == [(_days_ago(1), "送温暖")]
