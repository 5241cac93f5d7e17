"""Public pages never show need contacts or liaison contacts."""

import pytest
from django.urls import reverse

from tests.factories import AdoptionFactory, MemberUnitFactory, NeedFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SECRETS = ["王秘密", "13899990001", "李私密", "13977770002", "liaison-secret@example.test",
           "赵联络", "13855550003"]


@pytest.fixture
def world():
    unit = MemberUnitFactory(
        name="朱泾法庭", liaison_name="李私密", liaison_phone="13977770002",
        liaison_email="liaison-secret@example.test",
    )
    earlier = ProjectFactory(title="法治大讲堂", year=2017, status="completed")
    AdoptionFactory(project=earlier, unit=unit)
    project = ProjectFactory(title="社区法律诊所", year=2018, status="in_progress", previous=earlier)
    AdoptionFactory(project=project, unit=MemberUnitFactory(
        name="金山公路建设有限公司", liaison_name="赵联络", liaison_phone="13855550003"))
    accepted = NeedFactory(text="希望有法官来社区", contact_name="王秘密",
                           contact_phone="13899990001")
    accepted.accept(project)
    declined = NeedFactory(text="希望建游泳池", contact_name="王秘密", contact_phone="13899990001")
    declined.decline("场地有限。")
    pending = NeedFactory(text="希望加装扶手", contact_name="王秘密", contact_phone="13899990001")
    return {"project": project, "earlier": earlier, "needs": [accepted, declined, pending]}


def _public_pages(world):
    yield reverse("projects:project-list")
    yield reverse("projects:project-list") + "?q=法"
    yield reverse("projects:project-detail", args=[world["project"].pk])
    yield reverse("projects:project-detail", args=[world["earlier"].pk])
    yield reverse("projects:project-archive")
    for need in world["needs"]:
        yield reverse("projects:need-track", args=[need.tracking_code])


@pytest.mark.parametrize("persona", ["anon", "liaison"])
def test_public_pages_show_no_private_fields(persona_clients, world, persona):
    client = persona_clients[persona]
    for url in _public_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in SECRETS:
            assert secret not in html, (url, secret)
    # ...while the pages do show what they should.
    detail = client.get(reverse("projects:project-detail", args=[world["project"].pk]))
    assert "朱泾法庭" in detail.content.decode()
    assert "希望有法官来社区" in detail.content.decode()
