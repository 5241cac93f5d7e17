"""一居一品: a residential community's featured brand, shown wherever the community is."""

import pytest
from django.urls import reverse

from tests.factories import CommunityFactory, ProjectFactory
from units.models import Community

pytestmark = pytest.mark.django_db


@pytest.fixture
def nanwei():
    return CommunityFactory(name="南圩测试居民区", kind="residential", signature_brand="社区法律诊所")


def test_it_shows_the_brand_on_the_community_page(staff_client, nanwei):
    body = staff_client.get(reverse("units:community-detail", args=[nanwei.pk])).content.decode()
    assert "一居一品" in body and "社区法律诊所" in body


def test_it_shows_the_brand_to_residents_on_the_project_and_structure_pages(anon, nanwei):
    project = ProjectFactory(community=nanwei, status="open")
    structure = reverse("units:structure") + f"?district={nanwei.district_id}"  # its district
    for url in [reverse("projects:project-detail", args=[project.pk]), structure]:
        body = anon.get(url).content.decode()
        assert "一居一品：社区法律诊所" in body, url


def test_it_shows_no_brand_where_a_community_has_none(anon):
    project = ProjectFactory(community=CommunityFactory(name="无品牌测试村"), status="open")
    body = anon.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    assert "一居一品" not in body


def test_staff_set_the_brand_on_the_community_form(staff_client):
    community = CommunityFactory(kind="residential")
    response = staff_client.post(
        reverse("units:community-edit", args=[community.pk]),
        {
            "name": community.name, "kind": "residential", "district": community.district_id,
            "is_active": "on", "signature_brand": "睦邻议事厅",
        },
    )
    assert response.status_code == 302
    assert Community.objects.get(pk=community.pk).signature_brand == "睦邻议事厅"
