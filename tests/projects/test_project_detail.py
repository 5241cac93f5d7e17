import datetime

import pytest
from django.urls import reverse

from projects.models import Adoption, Need, Project
from tests.factories import (
    AdoptionFactory,
    MilestoneFactory,
    NeedFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def _url(project):
    return reverse("projects:project-detail", args=[project.pk])


def test_it_shows_needs_units_milestones_and_updates(anon):
    project = ProjectFactory(title="爱五路亮灯工程", status=Project.Status.IN_PROGRESS)
    need = NeedFactory(text="爱五路没有路灯", contact_name="王阿姨", contact_phone="13800001111")
    need.accept(project)
    NeedFactory(text="还在审核的需求", project=project)  # pending: not shown
    AdoptionFactory(project=project, unit__name="中石化上海工程公司", commitment="拨付专款实施亮灯")
    MilestoneFactory(project=project, title="立杆", due_on=datetime.date(2020, 1, 1),
                     done_on=datetime.date(2020, 1, 1))
    MilestoneFactory(project=project, title="通电", due_on=datetime.date(2020, 2, 1))
    project.updates.create(text="路灯已全部安装")
    html = anon.get(_url(project)).content.decode()
    assert "爱五路没有路灯" in html
    assert "还在审核的需求" not in html
    assert "中石化上海工程公司" in html
    assert "拨付专款实施亮灯" in html
    assert "立杆" in html and "通电" in html
    assert "已逾期" in html
    assert "路灯已全部安装" in html
    assert '<progress max="2" value="1">' in html


def test_it_shows_the_renewal_chain_with_earlier_units(anon):
    first = ProjectFactory(title="法治大讲堂", year=2017, status="completed")
    AdoptionFactory(project=first, unit__name="朱泾法庭")
    second = ProjectFactory(title="法治大讲堂", year=2018, status="completed", previous=first)
    third = ProjectFactory(title="法治大讲堂", year=2026, status="adopted", previous=second)
    html = anon.get(_url(third)).content.decode()
    assert "续认领历程" in html
    assert "2017 法治大讲堂" in html
    assert "2018 法治大讲堂" in html
    assert "朱泾法庭" in html
    html = anon.get(_url(first)).content.decode()
    assert _url(second) in html  # later years are linked too


def test_it_hides_drafts_from_the_public_but_not_from_staff(persona_clients):
    project = ProjectFactory(status=Project.Status.DRAFT)
    assert persona_clients["anon"].get(_url(project)).status_code == 404
    assert persona_clients["liaison"].get(_url(project)).status_code == 404
    preview = persona_clients["staff"].get(_url(project))
    assert preview.status_code == 200
    assert "预览：该草稿尚未公开。" in preview.content.decode()


def test_it_answers_404_for_unknown_projects(anon):
    assert anon.get(reverse("projects:project-detail", args=[424242])).status_code == 404


def test_it_uses_a_fixed_number_of_queries(anon, django_assert_max_num_queries):
    project = ProjectFactory(status="in_progress")
    for _ in range(5):
        NeedFactory(project=project, status=Need.Status.ACCEPTED)
        AdoptionFactory(project=project)
        MilestoneFactory(project=project)
    project.capacity = 5
    project.save()
    with django_assert_max_num_queries(10):
        anon.get(_url(project))
    assert Adoption.objects.filter(project=project).count() == 5


def test_it_shows_progress_photos(anon):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects.models import ProgressPhoto

    gif = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
           b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
    project = ProjectFactory(status="in_progress")
    update = project.updates.create(text="凉亭封顶")
    photo = ProgressPhoto.objects.create(
        update=update, image=SimpleUploadedFile("a.gif", gif), caption="封顶当天"
    )
    html = anon.get(_url(project)).content.decode()
    assert f'href="/projects/photos/{photo.pk}/"' in html  # the full photo, on tap
    assert f'src="/projects/photos/{photo.pk}/?size=thumb"' in html
    assert "封顶当天" in html
