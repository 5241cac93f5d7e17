import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from projects.models import ProgressPhoto, ProgressUpdate, Project
from tests.factories import AdoptionFactory, MilestoneFactory, ProjectFactory
from tests.queries import assert_same_queries, get_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(unit_a):
    project = ProjectFactory(title="社区法律诊所", status=Project.Status.ADOPTED, adopted_count=1)
    AdoptionFactory(project=project, unit=unit_a)
    return project


def _image(fmt="JPEG", size=(800, 600), exif=False, color=(200, 30, 30)):
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0131] = "GPS-revealing-software"  # Software
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def test_it_lists_only_the_units_own_projects_with_milestones(adopted, liaison_client):
    MilestoneFactory(project=adopted, title="签订共建协议")
    ProjectFactory(title="别人的项目")
    body = liaison_client.get(reverse("projects:my-projects")).content.decode()
    assert "社区法律诊所" in body
    assert "签订共建协议" in body
    assert "别人的项目" not in body


def test_it_lists_projects_in_the_same_number_of_queries_at_two_sizes(unit_a, liaison_client):
    def add():
        project = ProjectFactory(status=Project.Status.ADOPTED, adopted_count=1)
        AdoptionFactory(project=project, unit=unit_a)
        MilestoneFactory(project=project)

    url = reverse("projects:my-projects")
    add()
    small = get_queries(liaison_client, url)
    for _ in range(5):
        add()
    assert_same_queries(small, get_queries(liaison_client, url))


def test_it_shows_one_year_a_page_however_many_years_the_unit_adopted(unit_a, liaison_client):
    this_year = timezone.localdate().year
    for year in range(this_year - 19, this_year + 1):
        project = ProjectFactory(title=f"{year}年项目", year=year, status=Project.Status.ADOPTED)
        AdoptionFactory(project=project, unit=unit_a)
        MilestoneFactory(project=project)
    response = liaison_client.get(reverse("projects:my-projects"))
    assert [p.year for p in response.context["projects"]] == [this_year]
    assert len(response.context["other_years"]) == 19
    # A year that is not the unit's (or junk) shows this year's.
    junk = liaison_client.get(reverse("projects:my-projects"), {"year": "1999"})
    assert [p.year for p in junk.context["projects"]] == [this_year]


def test_it_marks_overdue_milestones_puts_this_year_first_and_folds_past_years(
    unit_a, liaison_client
):
    this_year = timezone.localdate().year
    current = ProjectFactory(title="今年的项目", year=this_year, status=Project.Status.ADOPTED)
    old = ProjectFactory(title="2017年的项目", year=2017, status=Project.Status.COMPLETED)
    for project in (current, old):
        AdoptionFactory(project=project, unit=unit_a)
    MilestoneFactory(project=current, title="逾期节点", due_on=timezone.localdate() - datetime.timedelta(days=3))
    MilestoneFactory(project=current, title="未来节点", due_on=timezone.localdate() + datetime.timedelta(days=30))

    body = liaison_client.get(reverse("projects:my-projects")).content.decode()
    assert "今年的项目" in body and "2017年的项目" not in body
    assert 'href="?year=2017"' in body[body.index('class="card past-years"'):]
    overdue = body[body.index("逾期节点"):body.index("未来节点")]
    assert "已逾期" in overdue
    assert "已逾期" not in body[body.index("未来节点"):]
    earlier = liaison_client.get(reverse("projects:my-projects"), {"year": 2017}).content.decode()
    assert "2017年的项目" in earlier and "今年的项目" not in earlier
    # The evidence box waits behind a tap.
    assert '<details class="milestone-done">' in body


def test_it_marks_a_milestone_done_with_evidence_over_htmx(adopted, liaison_client):
    milestone = MilestoneFactory(project=adopted)
    response = liaison_client.post(
        reverse("projects:milestone-done", args=[milestone.pk]),
        {f"milestone-{milestone.pk}-evidence": "已开展两次法律讲座"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="milestone-{milestone.pk}"' in body
    assert "已开展两次法律讲座" in body
    milestone.refresh_from_db()
    assert milestone.is_done
    adopted.refresh_from_db()
    assert adopted.status == Project.Status.IN_PROGRESS


def test_it_wants_evidence_to_mark_a_milestone_done(adopted, liaison_client):
    milestone = MilestoneFactory(project=adopted)
    liaison_client.post(
        reverse("projects:milestone-done", args=[milestone.pk]),
        {f"milestone-{milestone.pk}-evidence": ""},
    )
    milestone.refresh_from_db()
    assert not milestone.is_done


def test_it_lets_the_liaison_complete_a_project_when_all_milestones_are_done(
    adopted, liaison_client
):
    milestone = MilestoneFactory(project=adopted)
    url = reverse("projects:my-project-complete", args=[adopted.pk])
    liaison_client.post(url)
    adopted.refresh_from_db()
    assert adopted.status == Project.Status.ADOPTED

    liaison_client.post(
        reverse("projects:milestone-done", args=[milestone.pk]),
        {f"milestone-{milestone.pk}-evidence": "完成"},
    )
    assert "标记项目已完成" in liaison_client.get(
        reverse("projects:my-project", args=[adopted.pk])
    ).content.decode()
    liaison_client.post(url, {"confirmed": "yes"})  # after the confirmation page
    adopted.refresh_from_db()
    assert adopted.status == Project.Status.COMPLETED


def _post_update(client, project, files, text="本周开展了义诊"):
    return client.post(
        reverse("projects:my-project", args=[project.pk]), {"text": text, "photos": files}
    )


def test_it_posts_a_progress_update_with_photos(adopted, liaison_client):
    files = [
        SimpleUploadedFile("a.jpg", _image(), "image/jpeg"),
        SimpleUploadedFile("b.png", _image("PNG"), "image/png"),
        SimpleUploadedFile("c.webp", _image("WEBP"), "image/webp"),
    ]
    response = _post_update(liaison_client, adopted, files)
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(project=adopted)
    assert update.photos.count() == 3
    for photo in update.photos.all():
        with Image.open(photo.image.path) as image:
            assert image.format == "JPEG"


def test_it_rejects_a_non_image_renamed_jpg(adopted, liaison_client):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not really a photo", "image/jpeg")
    response = _post_update(liaison_client, adopted, [fake])
    assert response.status_code == 200
    assert "无法识别" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_it_rejects_a_gif(adopted, liaison_client):
    gif = SimpleUploadedFile("anim.jpg", _image("GIF"), "image/jpeg")
    response = _post_update(liaison_client, adopted, [gif])
    assert "只能上传" in response.content.decode()
    assert not ProgressPhoto.objects.exists()


def test_it_rejects_more_than_four_photos(adopted, liaison_client):
    files = [SimpleUploadedFile(f"{i}.jpg", _image(), "image/jpeg") for i in range(5)]
    response = _post_update(liaison_client, adopted, files)
    assert response.status_code == 200
    assert not ProgressUpdate.objects.exists()


def test_it_rejects_a_file_over_five_megabytes(adopted, liaison_client):
    big = SimpleUploadedFile("big.jpg", _image() + b"\0" * (5 * 1024 * 1024), "image/jpeg")
    response = _post_update(liaison_client, adopted, [big])
    assert "5 MB" in response.content.decode() or "5MB" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_it_shrinks_a_large_image_and_strips_exif(adopted, liaison_client):
    raw = _image(size=(4000, 3000), exif=True)
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif().get(0x010F) == "SecretCam"

    _post_update(liaison_client, adopted, [SimpleUploadedFile("big.jpg", raw, "image/jpeg")])

    photo = ProgressPhoto.objects.get()
    with Image.open(photo.image.path) as saved:
        assert max(saved.size) == 1600
        assert saved.size == (1600, 1200)
        assert not saved.getexif()
    assert b"SecretCam" not in photo.image.open("rb").read()


def test_it_stores_a_thumbnail_at_upload_and_lists_link_it_to_the_full_photo(
    adopted, liaison_client, anon
):
    files = [SimpleUploadedFile("a.jpg", _image(size=(1600, 1200)), "image/jpeg")]
    _post_update(liaison_client, adopted, files)
    photo = ProgressPhoto.objects.get(update__project=adopted)
    with Image.open(photo.thumbnail.path) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 400
    assert photo.thumbnail.size < photo.image.size

    for html in [
        anon.get(reverse("projects:project-detail", args=[adopted.pk])).content.decode(),
        liaison_client.get(reverse("projects:my-project", args=[adopted.pk])).content.decode(),
    ]:
        assert f'href="{photo.url}"><img src="{photo.thumbnail_url}"' in html
    thumb = anon.get(photo.thumbnail_url)
    assert thumb.status_code == 200
    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as served:
        assert max(served.size) == 400
