"""五百服务: a visit records which of the five services it gave."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import PairingFactory, VisitFactory
from units.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairing(unit_a):
    return PairingFactory(unit=unit_a, community__name="五百服务测试村")


def _post(client, pairing, services):
    return client.post(
        reverse("units:visit-create", args=[pairing.pk]),
        {
            "visited_on": datetime.date.today().isoformat(),
            "channel": "onsite",
            "visitors": "党员志愿者",
            "households_visited": "3",
            "activities": "走访困难家庭",
            "follow_up": "",
            "services": services,
        },
    )


def test_it_records_several_services_in_the_lists_order(liaison_client, pairing):
    assert _post(liaison_client, pairing, ["warm", "door", "solve"]).status_code == 302
    visit = Visit.objects.get()
    assert visit.services == ["door", "solve", "warm"]
    assert [str(label) for label in visit.service_labels] == ["串百家门", "解百家难", "暖百家心"]


def test_it_records_a_visit_without_services(liaison_client, pairing):
    assert _post(liaison_client, pairing, []).status_code == 302
    assert Visit.objects.get().services == []


def test_it_rejects_a_service_not_in_the_list_in_chinese(liaison_client, pairing):
    response = _post(liaison_client, pairing, ["door", "fly"])
    assert response.status_code == 200
    assert "选择一个有效的选项" in " ".join(response.context["form"].errors["services"])
    assert not Visit.objects.exists()


def test_it_asks_for_services_as_checkboxes_in_a_fieldset_with_a_legend(liaison_client, pairing):
    body = liaison_client.get(reverse("units:visit-create", args=[pairing.pk])).content.decode()
    fieldset = body[body.index('<fieldset class="field fieldset choices"'):]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert "<legend>提供的服务（五百服务）</legend>" in fieldset
    assert fieldset.count('type="checkbox"') == 5
    for label in ["串百家门", "知百家情", "帮百家事", "解百家难", "暖百家心"]:
        assert label in fieldset


def test_it_lists_the_services_on_the_unit_and_community_pages(staff_client, pairing):
    VisitFactory(pairing=pairing, services=["know", "help"])
    for url in [
        reverse("units:unit-detail", args=[pairing.unit_id]),
        reverse("units:community-detail", args=[pairing.community_id]),
    ]:
        body = staff_client.get(url).content.decode()
        assert "知百家情" in body and "帮百家事" in body, url
        assert "暖百家心" not in body, url
