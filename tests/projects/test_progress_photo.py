"""Progress photos are served by a view that applies the project's visibility."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from projects.models import ProgressPhoto, Project
from tests.factories import AdoptionFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue())


@pytest.fixture
def photo():
    project = ProjectFactory(status=Project.Status.IN_PROGRESS)
    update = project.updates.create(text="凉亭封顶")
    return ProgressPhoto.objects.create(update=update, image=_jpeg())


def test_anyone_sees_a_photo_of_a_public_project(anon, photo):
    response = anon.get(photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_media_urls_are_not_served(anon, photo):
    assert anon.get(f"/media/{photo.image.name}").status_code == 404


def test_a_photo_of_a_project_moved_back_to_draft_is_gone_for_residents(
    anon, staff_client, photo
):
    Project.objects.filter(pk=photo.update.project_id).update(status=Project.Status.DRAFT)
    assert anon.get(photo.url).status_code == 404
    assert staff_client.get(photo.url).status_code == 200


def test_the_adopting_unit_still_sees_its_draft_projects_photo(liaison_client, unit_a, photo):
    AdoptionFactory(project=photo.update.project, unit=unit_a)
    Project.objects.filter(pk=photo.update.project_id).update(status=Project.Status.DRAFT)
    assert liaison_client.get(photo.url).status_code == 200


def test_deleting_an_update_deletes_its_photo_and_the_file(anon, photo):
    path, url = photo.image.path, photo.url
    with open(path, "rb"):
        pass
    photo.update.delete()
    assert anon.get(url).status_code == 404
    with pytest.raises(FileNotFoundError):
        open(path, "rb")
