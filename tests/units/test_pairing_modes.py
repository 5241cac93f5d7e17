"""Pairing.clean: every mode against every kind of counterpart."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CommunityFactory, MemberUnitFactory
from units.models import MemberUnit, Pairing

pytestmark = pytest.mark.django_db

COUNTERPARTS = ["organ", "stationed", "enterprise", "social_org", "community"]
FITTING_MODE = {
    "organ": Pairing.Mode.CO_RESIDENT,
    "stationed": Pairing.Mode.CO_RESIDENT,
    "enterprise": Pairing.Mode.SELF_INITIATED,
    "social_org": Pairing.Mode.SELF_INITIATED,
    "community": Pairing.Mode.VILLAGE_COMMUNITY,
}


def _pairing(kind, mode):
    community = CommunityFactory()
    if kind == "community":
        return Pairing(community=community, partner_community=CommunityFactory(), mode=mode)
    unit = MemberUnitFactory(category=kind)
    return Pairing(community=community, unit=unit, mode=mode)


@pytest.mark.parametrize("kind", COUNTERPARTS)
@pytest.mark.parametrize("mode", Pairing.Mode.values)
def test_it_accepts_only_the_fitting_mode(kind, mode):
    pairing = _pairing(kind, mode)
    if mode == FITTING_MODE[kind]:
        pairing.full_clean()
    else:
        with pytest.raises(ValidationError) as excinfo:
            pairing.full_clean()
        assert list(excinfo.value.message_dict) == ["mode"]


@pytest.mark.parametrize("kind", COUNTERPARTS)
def test_it_names_the_fitting_mode(kind):
    pairing = _pairing(kind, "")
    assert Pairing.mode_for(unit=pairing.unit, partner_community=pairing.partner_community) == (
        FITTING_MODE[kind]
    )


def test_it_refuses_a_community_pairing_with_itself():
    community = CommunityFactory()
    pairing = Pairing(
        community=community,
        partner_community=community,
        mode=Pairing.Mode.VILLAGE_COMMUNITY,
    )
    with pytest.raises(ValidationError) as excinfo:
        pairing.full_clean()
    assert "partner_community" in excinfo.value.message_dict


def test_it_needs_exactly_one_counterpart():
    unit = MemberUnitFactory(category=MemberUnit.Category.ORGAN)
    both = Pairing(
        community=CommunityFactory(),
        unit=unit,
        partner_community=CommunityFactory(),
        mode=Pairing.Mode.CO_RESIDENT,
    )
    with pytest.raises(ValidationError) as excinfo:
        both.full_clean()
    assert "unit" in excinfo.value.message_dict
