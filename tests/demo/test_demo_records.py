"""Demo contributions: the article's, a share of the samples', over the years; once."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo import article
from records.models import AnnualAssessment, AssessmentFinalisation, Contribution

pytestmark = pytest.mark.django_db


def test_it_records_what_the_article_says_the_units_gave(anon):
    call_command("load_demo", stdout=io.StringIO())
    count = Contribution.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Contribution.objects.count() == count, "a second run adds nothing"

    for title, unit, kind in [
        ("万联村修筑道路", article.CAIZHENG, "funds"),
        ("爱五路亮灯工程", article.SINOPEC, "funds"),
        ("老旧小区铺石修路", article.GONGLU, "goods"),
        ("法治大讲堂", article.FATING, "volunteer_hours"),
    ]:
        assert Contribution.objects.filter(
            project__title=title, unit__name=unit, kind=kind
        ).exists(), title
    assert Contribution.objects.filter(
        unit__name=article.CAIZHENG, pairing__isnull=False, kind="goods"
    ).exists(), "财政局's 走访慰问"
    assert Contribution.objects.filter(unit__name__startswith="示例").count() > 100
    assert Contribution.objects.dates("contributed_on", "year").count() >= 4
    assert set(Contribution.objects.values_list("status", flat=True)) == {"recorded", "confirmed"}
    assert not Contribution.objects.exclude(note__contains="示例").exists(), "amounts are samples"

    finalised = AssessmentFinalisation.objects.get(council__slug="zhujing")
    assert (
        AnnualAssessment.objects.filter(year=finalised.year, council__slug="zhujing").count()
        == finalised.unit_count
    )
    assert AnnualAssessment.objects.exclude(rating="").exists()

    lights = Contribution.objects.filter(project__title="爱五路亮灯工程").first().project
    page = anon.get(reverse("projects:project-detail", args=[lights.pk])).content.decode()
    assert "认领单位的投入" in page
