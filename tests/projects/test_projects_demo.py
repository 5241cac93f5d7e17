import io

import pytest

from demo import loader as demo
from projects.models import KeyWorks, Milestone, Need, Project

pytestmark = pytest.mark.django_db


def test_it_loads_the_article_projects_and_samples_once():
    demo.load_projects(io.StringIO())
    counts = (Project.objects.count(), Need.objects.count(), Milestone.objects.count())
    demo.load_projects(io.StringIO())
    assert (Project.objects.count(), Need.objects.count(), Milestone.objects.count()) == counts

    for title in ["阳光坡道", "党建长廊", "健康小屋", "飘香书屋", "福满塘园", "法治大讲堂",
                  "社区法律诊所", "爱五路亮灯工程", "老旧小区铺石修路"]:
        assert Project.objects.filter(title=title).exists(), title
    lights = Project.objects.get(title="爱五路亮灯工程")
    assert lights.community.name == "五龙村"
    assert lights.key_works == KeyWorks.LIGHTING
    assert Project.objects.get(title="社区法律诊所").community.name == "南圩居民区"
    assert Project.objects.get(title="老旧小区铺石修路").community.name == "钟楼居委会"
    assert {p.key_works for p in Project.objects.exclude(key_works="")} == set(KeyWorks.values)

    samples = Project.objects.filter(title__startswith="示例项目")  # the board's samples
    assert 90 <= samples.count() <= 110
    assert set(samples.values_list("status", flat=True)) == set(Project.Status.values)
    assert set(samples.values_list("category", flat=True)) == {
        "care_aid", "convenience", "culture", "service_support", "construction", "beautiful_home"
    }
    assert set(Need.objects.values_list("status", flat=True)) == set(Need.Status.values)
    assert Milestone.objects.filter(done_on__isnull=True, due_on__lt="2026-11-28").exists()
    assert Milestone.objects.filter(done_on__isnull=False).exists()
    chained = Project.objects.get(title="法治大讲堂", year=2018)
    assert chained.renewal_chain()[0].year == 2017
    for title in ["法治大讲堂", "社区法律诊所", "爱五路亮灯工程", "老旧小区铺石修路", "万联村修筑道路"]:
        project = Project.objects.filter(title=title).order_by("year").first()
        assert project.status in ("adopted", "in_progress", "completed")
