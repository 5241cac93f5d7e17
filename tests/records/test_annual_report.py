"""The council's annual report: public without personal data, staff with the assessment."""

import datetime

import pytest
from django.urls import reverse

from projects.models import Project
from tests.conftest import ARTIFACTS
from tests.factories import AdoptionFactory, DistrictFactory, CommunityFactory, PairingFactory, ProjectFactory, VisitFactory
from tests.records.conftest import make_contribution

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def report_data(unit_a, unit_b, liaison, other_liaison):
    district = DistrictFactory(name="<i>城南</i>片区")
    community = CommunityFactory(district=district)
    project = ProjectFactory(year=YEAR, community=community, status=Project.Status.COMPLETED,
                             title="亮灯工程")  # fmt: skip
    AdoptionFactory(project=project, unit=unit_a, commitment="联系人王五 13912345678")
    pairing = PairingFactory(unit=unit_a, community=community)
    VisitFactory(pairing=pairing, visited_on=datetime.date(YEAR, 3, 3), visitors="李四、赵六")
    make_contribution(unit_a, project, amount=8000, contributed_on=datetime.date(YEAR, 4, 4),
                      note="经办人李四", status="confirmed",
                      confirmed_at=datetime.datetime(YEAR, 4, 5, tzinfo=datetime.UTC))  # fmt: skip
    ProjectFactory(year=YEAR, status=Project.Status.DRAFT, title="尚未公开的草稿")
    return project


def test_the_public_report_shows_the_year_without_contacts(anon, report_data, unit_a, liaison):
    response = anon.get(reverse("records:annual-report", args=[YEAR]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "亮灯工程" in page and "8,000" in page
    for private in (unit_a.liaison_name, unit_a.liaison_phone, unit_a.liaison_email,
                    liaison.username, str(liaison), "李四", "13912345678", "尚未公开的草稿"):
        assert private not in page, private
    assert "year-end assessment" not in page.lower() and "年度考评（仅党建办）" not in page


def test_user_text_in_the_charts_is_escaped(anon, report_data):
    page = anon.get(reverse("records:annual-report", args=[YEAR])).content.decode()
    assert "<i>城南</i>" not in page
    assert "&lt;i&gt;城南&lt;/i&gt;片区" in page


def test_the_staff_version_adds_the_assessment_table(staff_client, report_data, unit_a):
    page = staff_client.get(reverse("records:annual-report", args=[YEAR])).content.decode()
    assert 'id="h-assessment"' in page
    assert unit_a.name in page


def test_the_public_pdf_has_no_contacts_either(anon, report_data, unit_a):
    from tests.records.test_unit_record import _pdf_text

    response = anon.get(reverse("records:annual-report-pdf", args=[YEAR]))
    assert response.content.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "annual-report.pdf").write_bytes(response.content)
    text = _pdf_text(response.content)
    assert "亮灯工程" in text
    assert unit_a.liaison_phone not in text and "李四" not in text


def test_the_public_pdf_is_typeset_once_per_change(anon, settings, report_data, django_capture_on_commit_callbacks):
    from tests.queries import capture_queries
    from core import pagecache

    settings.PUBLIC_PAGE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump_version_now()  # nothing another run left in a shared cache
    url = reverse("records:annual-report-pdf", args=[YEAR])
    with capture_queries() as first:
        assert anon.get(url).content.startswith(b"%PDF")
    with capture_queries() as second:
        again = anon.get(url)
    assert again.content.startswith(b"%PDF") and again["Content-Type"] == "application/pdf"
    assert len(first) > 5, str(first)
    # At most the data version is read again; nothing of the report is.
    assert all("freshness_dataversion" in q["sql"] for q in second.captured), str(second)


def test_the_report_links_to_the_next_year_until_this_one(anon):
    page = anon.get(reverse("records:annual-report", args=[YEAR])).content.decode()
    assert reverse("records:annual-report", args=[YEAR + 1]) in page


def test_a_confirmed_contribution_refreshes_the_cached_public_pages(anon, settings, staff, adopted_project, django_capture_on_commit_callbacks):
    from core import pagecache

    settings.PUBLIC_PAGE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump_version_now()
    url = reverse("projects:project-detail", args=[adopted_project.pk])
    assert "认领单位的投入" not in anon.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        row = make_contribution(adopted_project.adoptions.get().unit, adopted_project, amount=700)
    assert "认领单位的投入" not in anon.get(url).content.decode(), "not public until confirmed"
    with django_capture_on_commit_callbacks(execute=True):
        row.confirm(by=staff, version=row.version)
    assert "认领单位的投入" in anon.get(url).content.decode()


def test_the_headline_says_how_many_units_adopted_not_that_all_did(anon, report_data, unit_a, unit_b):
    for i in range(3):
        from tests.factories import MemberUnitFactory

        MemberUnitFactory(joined_year=2000)
    page = anon.get(reverse("records:annual-report", args=[YEAR])).content.decode()
    lead = page[page.index('<p class="lead">') : page.index("</p>", page.index('<p class="lead">'))]
    # Five member units that year; one of them adopted.
    assert "5家成员单位中" in lead and "1家认领" in lead


def test_the_monthly_visits_chart_has_axis_titles_and_no_row_of_zeros(anon, report_data):
    page = anon.get(reverse("records:annual-report", args=[YEAR])).content.decode()
    chart = page[page.index('id="chart-month-title"') :]
    chart = chart[: chart.index("</svg>")]
    assert ">月份</text>" in chart and ">走访次数</text>" in chart
    assert 'class="bar-value" fill="#1f2328" font-size="15">0</text>' not in chart
    assert 'class="bar-value" fill="#1f2328" font-size="15">1</text>' in chart  # March
    assert 'class="baseline"' in chart
