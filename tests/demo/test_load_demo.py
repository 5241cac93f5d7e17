import datetime
import io

import pytest
from django.core.management import call_command
from PIL import Image

from demo import article
from projects.models import Adoption, JointMeeting, ProgressPhoto, ProgressUpdate, Project
from tests.demodb import demo, demo_in_module  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo):
    return demo


def test_it_holds_the_anniversary_meeting_as_the_article_tells_it(loaded):
    meeting = JointMeeting.objects.get(held_on=datetime.date(2017, 11, 28))
    adoptions = Adoption.objects.filter(meeting=meeting)
    assert meeting.title == article.MEETING_2017_TITLE
    assert adoptions.values("unit").distinct().count() >= 140
    assert adoptions.values("project").distinct().count() >= 100
    assert set(adoptions.values_list("kind", flat=True)) == {"new", "renewal"}
    assert set(adoptions.values_list("project__category", flat=True)) == {
        "care_aid", "convenience", "culture", "service_support", "construction", "beautiful_home"
    }
    for renewal in adoptions.filter(kind="renewal").select_related("renewal_of__project"):
        assert renewal.renewal_of.unit_id == renewal.unit_id
        assert renewal.renewal_of.project.year == 2016


def test_it_gives_each_article_project_the_category_the_article_module_gives_it(loaded):
    for title, year, place, category, _s, key_works, adopter, _c, _d in article.PROJECTS:
        project = Project.objects.get(title=title, year=year)
        assert (project.community.name, project.category, project.key_works) == (
            place, category, key_works
        ), title
        if adopter:
            assert project.adoptions.filter(unit__name=adopter).exists(), title
    assert set(Project.objects.filter(title__contains="法治大讲堂").values_list(
        "category", flat=True
    )) == {"service_support"}


def test_it_loads_the_projects_named_in_the_articles_first_line(loaded):
    for title in ["关爱扶贫项目", "平安家园项目", "绿色卫士项目"]:
        project = Project.objects.get(title=title)
        assert project.adoptions.filter(meeting__held_on=datetime.date(2017, 11, 28)).exists()


def test_it_shows_progress_with_photos_on_the_named_projects_and_some_samples(loaded):
    with_photos = Project.objects.filter(updates__photos__isnull=False).distinct()
    assert with_photos.count() >= 10
    for title in ["爱五路亮灯工程", "法治大讲堂", "老旧小区铺石修路", "万联村修筑道路", "社区法律诊所"]:
        assert with_photos.filter(title=title).exists(), title
    assert with_photos.filter(title__startswith="示例项目").count() >= 5
    lights = Project.objects.get(title="爱五路亮灯工程")
    assert {u.created_at.year for u in lights.updates.all()} == {2017}
    photo = ProgressPhoto.objects.select_related("update").first()
    assert photo.image.name.startswith(f"progress/{photo.update.project_id}/")
    with photo.image.open() as f, Image.open(f) as picture:
        assert picture.format == "JPEG" and picture.size[0] >= 640


def test_it_adds_no_progress_or_photo_the_second_time(loaded):
    before = (ProgressUpdate.objects.count(), ProgressPhoto.objects.count(),
              Adoption.objects.count(), Project.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (ProgressUpdate.objects.count(), ProgressPhoto.objects.count(),
            Adoption.objects.count(), Project.objects.count()) == before


def test_it_loads_nanweis_brand_the_sign_and_the_visits_services(loaded):
    from units.models import Community, Visit

    assert Community.objects.get(name="南圩居民区").signature_brand == "社区法律诊所"
    assert set(Community.objects.exclude(signature_brand="").values_list("name", flat=True)) == {
        "南圩居民区"
    }
    lights = Project.objects.get(title="爱五路亮灯工程")
    assert lights.milestones.filter(title__contains="纪念牌", done_on__isnull=False).exists()
    given = [set(v) for v in Visit.objects.values_list("services", flat=True)]
    assert set().union(*given) == {"door", "know", "help", "solve", "warm"}
    assert sum(len(s) > 1 for s in given) >= 10
