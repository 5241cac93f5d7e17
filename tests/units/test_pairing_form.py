import pytest
from django.urls import reverse

from tests.factories import CommunityFactory, DistrictFactory, MemberUnitFactory, PairingFactory
from units.models import Pairing

pytestmark = pytest.mark.django_db

CREATE = reverse("units:pairing-create")


@pytest.fixture
def wanlian():
    return CommunityFactory(name="万联村")


@pytest.fixture
def caizheng():
    return MemberUnitFactory(name="金山区财政局")


def _data(community, unit=None, partner=None, **extra):
    return {
        "community": community.pk,
        "unit": unit.pk if unit else "",
        "partner_community": partner.pk if partner else "",
        "mode": extra.pop("mode", ""),
        "programme": extra.pop("programme", ""),
        "started_on": "2026-11-01",
        "agreement_signed_on": extra.pop("agreement_signed_on", ""),
        "visit_cadence_days": extra.pop("visit_cadence_days", "30"),
        "note": "",
    }


def test_it_creates_a_pairing(staff_client, staff, wanlian, caizheng):
    data = _data(
        wanlian, caizheng, mode="co_resident", programme="double_hundred",
        agreement_signed_on="2026-11-02",
    )
    response = staff_client.post(CREATE, data)
    assert response.status_code == 302
    pairing = Pairing.objects.get()
    assert response["Location"] == reverse("units:community-detail", args=[wanlian.pk])
    assert (pairing.community, pairing.unit, pairing.mode) == (wanlian, caizheng, "co_resident")
    assert pairing.programme == "double_hundred" and pairing.created_by == staff
    assert str(pairing.agreement_signed_on) == "2026-11-02"


def test_it_pairs_two_communities(staff_client, wanlian):
    partner = CommunityFactory(name="示例居民区01", kind="residential")
    data = _data(wanlian, partner=partner, mode="village_community", programme="urban_rural")
    assert staff_client.post(CREATE, data).status_code == 302
    assert Pairing.objects.get().partner_community == partner


def test_it_shows_a_wrong_mode_inline_next_to_the_mode_field(staff_client, wanlian, caizheng):
    response = staff_client.post(CREATE, _data(wanlian, caizheng, mode="self_initiated"))
    assert response.status_code == 200
    assert "mode" in response.context["form"].errors
    body = response.content.decode()
    field = body[body.index('id="field-mode"'):]
    field = field[: field.index("</div>")]
    assert "“自主共建”的结对方须是企业或社会组织" in field
    assert not Pairing.objects.exists()


def test_it_refuses_a_second_active_pairing_of_the_same_unit(staff_client, wanlian, caizheng):
    PairingFactory(community=wanlian, unit=caizheng)
    response = staff_client.post(CREATE, _data(wanlian, caizheng, mode="co_resident"))
    assert response.status_code == 200
    assert "该单位已与此村居结对" in " ".join(response.context["form"].errors["unit"])
    assert Pairing.objects.count() == 1


def test_it_refuses_a_community_pairing_with_itself(staff_client, wanlian):
    response = staff_client.post(CREATE, _data(wanlian, partner=wanlian, mode="village_community"))
    assert response.status_code == 200
    assert "partner_community" in response.context["form"].errors
    assert not Pairing.objects.exists()


def test_it_needs_a_counterpart_in_chinese(staff_client, wanlian):
    response = staff_client.post(CREATE, _data(wanlian, mode="co_resident"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["unit"])
    assert "成员单位" in errors


def test_it_refuses_a_bad_cadence_and_dates_in_chinese(staff_client, wanlian, caizheng):
    data = {**_data(wanlian, caizheng, mode="co_resident"), "visit_cadence_days": "3",
            "started_on": "not a date"}
    errors = staff_client.post(CREATE, data).context["form"].errors
    assert "7" in " ".join(errors["visit_cadence_days"])
    assert "日期" in " ".join(errors["started_on"])


def test_it_narrows_the_counterparts_when_a_community_is_chosen(staff_client, wanlian, caizheng):
    free_unit = MemberUnitFactory(name="示例辖区单位01", category="stationed")
    PairingFactory(community=wanlian, unit=caizheng)
    paired_partner = CommunityFactory(name="示例居民区02", kind="residential")
    Pairing.objects.create(
        community=paired_partner, partner_community=wanlian, mode="village_community"
    )
    free_partner = CommunityFactory(name="示例居民区03", kind="residential")
    response = staff_client.get(CREATE, {"community": wanlian.pk}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="counterpart"' in body and "<html" not in body
    units = set(response.context["form"].fields["unit"].queryset)
    partners = set(response.context["form"].fields["partner_community"].queryset)
    assert free_unit in units and caizheng not in units
    assert free_partner in partners
    assert wanlian not in partners and paired_partner not in partners


@pytest.mark.parametrize(
    ("category", "mode"),
    [("organ", "co_resident"), ("stationed", "co_resident"), ("enterprise", "self_initiated"),
     ("social_org", "self_initiated")],
)
def test_it_preselects_the_only_fitting_mode(staff_client, wanlian, category, mode):
    unit = MemberUnitFactory(category=category)
    response = staff_client.get(
        CREATE, {"community": wanlian.pk, "unit": unit.pk}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert f'<option value="{mode}" selected>' in body


def test_it_preselects_village_community_for_a_partner(staff_client, wanlian):
    partner = CommunityFactory()
    response = staff_client.get(
        CREATE,
        {"community": wanlian.pk, "partner_community": partner.pk},
        headers={"HX-Request": "true"},
    )
    assert '<option value="village_community" selected>' in response.content.decode()


def test_it_wires_the_choices_to_refresh_the_counterpart_with_htmx(staff_client):
    body = staff_client.get(CREATE).content.decode()
    assert f'data-hx-get="{CREATE}"' in body
    assert 'data-hx-target="#counterpart"' in body
    assert 'method="post"' in body  # and still works without JavaScript


def test_it_starts_with_the_community_from_the_link(staff_client, wanlian):
    response = staff_client.get(CREATE, {"community": wanlian.pk})
    assert response.context["form"]["community"].value() == str(wanlian.pk)


def test_it_edits_a_pairing(staff_client, wanlian, caizheng):
    pairing = PairingFactory(community=wanlian, unit=caizheng, visit_cadence_days=90)
    url = reverse("units:pairing-edit", args=[pairing.pk])
    page = staff_client.get(url)
    # The current counterpart stays choosable while editing.
    assert caizheng in page.context["form"].fields["unit"].queryset
    data = _data(wanlian, caizheng, mode="co_resident", visit_cadence_days="60")
    assert staff_client.post(url, data).status_code == 302
    pairing.refresh_from_db()
    assert pairing.visit_cadence_days == 60


def test_it_ends_a_pairing(staff_client, wanlian, caizheng):
    pairing = PairingFactory(community=wanlian, unit=caizheng)
    response = staff_client.post(reverse("units:pairing-end", args=[pairing.pk]))
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.status == "ended" and pairing.ended_on is not None
    # Once ended, the unit may pair with the community again.
    again = staff_client.post(CREATE, _data(wanlian, caizheng, mode="co_resident"))
    assert again.status_code == 302


def test_it_asks_once_more_before_ending_a_pairing(staff_client, wanlian, caizheng):
    pairing = PairingFactory(community=wanlian, unit=caizheng)
    community_page = staff_client.get(reverse("units:community-detail", args=[wanlian.pk]))
    end = reverse("units:pairing-end", args=[pairing.pk])
    assert f'href="{end}"' in community_page.content.decode()  # a link, not a one-tap form

    page = staff_client.get(end)
    assert page.status_code == 200
    html = page.content.decode()
    assert "确定结束此结对吗？" in html and f'action="{end}"' in html
    pairing.refresh_from_db()
    assert pairing.status == "active"  # asking ends nothing


def test_it_groups_communities_by_district_and_units_by_category(staff_client):
    CommunityFactory(name="万联村", district=DistrictFactory(name="东片"))
    MemberUnitFactory(name="朱泾法庭", category="stationed")
    body = staff_client.get(CREATE).content.decode()
    assert '<optgroup label="东片">' in body
    assert '<optgroup label="辖区单位">' in body
