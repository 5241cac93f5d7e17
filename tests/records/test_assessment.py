"""The year-end assessment: figures on a small fixed data set, worked out by hand below;
the snapshot the office finalises; the table's query count; the Excel export."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Adoption, Project
from records.assessment import compute_figures, finalise_year
from records.models import AnnualAssessment, AssessmentFinalisation, Contribution
from tests.factories import (
    AdoptionFactory,
    MemberUnitFactory,
    MilestoneFactory,
    PairingFactory,
    ProjectFactory,
    VisitFactory,
)
from tests.queries import assert_same_queries, get_queries
from tests.records.conftest import make_contribution

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = 2025


@pytest.fixture
def year_data(unit_a, unit_b, staff):
    """2025 for unit_a and unit_b. Every figure's reckoning is in the test below."""
    last_year = ProjectFactory(year=2024, status=Project.Status.COMPLETED)
    earlier = AdoptionFactory(project=last_year, unit=unit_a)
    p1 = ProjectFactory(year=YEAR, status=Project.Status.COMPLETED)
    p2 = ProjectFactory(year=YEAR, status=Project.Status.IN_PROGRESS, previous=last_year)
    p3 = ProjectFactory(year=YEAR, status=Project.Status.COMPLETED)
    AdoptionFactory(project=p1, unit=unit_a)
    AdoptionFactory(project=p2, unit=unit_a, kind=Adoption.Kind.RENEWAL, renewal_of=earlier)
    AdoptionFactory(project=p3, unit=unit_b)
    MilestoneFactory(project=p1, due_on=D(2025, 3, 1), done_on=D(2025, 2, 28))  # on time
    MilestoneFactory(project=p1, due_on=D(2025, 6, 1), done_on=D(2025, 6, 10))  # late
    MilestoneFactory(project=p1, due_on=D(2026, 2, 1))  # due after the year
    late = MilestoneFactory(project=p2, due_on=D(2025, 9, 1))  # not done
    MilestoneFactory(project=p2, due_on=D(2025, 10, 1), done_on=D(2025, 10, 1))  # on time
    MilestoneFactory(project=p3, due_on=D(2025, 5, 1), done_on=D(2025, 4, 1))  # unit_b's
    MilestoneFactory(project=last_year, due_on=D(2025, 1, 15))  # a 2024 project's

    whole_year = PairingFactory(unit=unit_a, started_on=D(2020, 1, 1), visit_cadence_days=90)
    from_july = PairingFactory(unit=unit_a, started_on=D(2025, 7, 1), visit_cadence_days=30)
    ended = PairingFactory(
        unit=unit_a, started_on=D(2019, 1, 1), visit_cadence_days=60,
        status="ended", ended_on=D(2025, 3, 31),
    )  # fmt: skip
    PairingFactory(
        unit=unit_a, started_on=D(2019, 1, 1), status="ended", ended_on=D(2024, 12, 31)
    )
    for day in (D(2025, 2, 1), D(2025, 5, 1), D(2025, 11, 30), D(2024, 12, 31)):
        VisitFactory(pairing=whole_year, visited_on=day)
    for day in (D(2025, 8, 1), D(2025, 9, 1)):
        VisitFactory(pairing=from_july, visited_on=day)
    VisitFactory(pairing=ended, visited_on=D(2025, 3, 1))

    confirmed = make_contribution(unit_a, p1, amount=Decimal("5000"), contributed_on=D(2025, 4, 1))
    confirmed.confirm(by=staff, version=confirmed.version)
    make_contribution(unit_a, pairing=whole_year, amount=Decimal("1200.50"),
                      contributed_on=D(2025, 5, 1))  # fmt: skip
    make_contribution(unit_a, p2, kind="volunteer_hours", amount=None, people=10,
                      hours=Decimal("25.5"), contributed_on=D(2025, 6, 1))  # fmt: skip
    make_contribution(unit_a, p1, kind="goods", description="大米50袋", amount=Decimal("800"),
                      contributed_on=D(2025, 9, 9))  # fmt: skip
    make_contribution(unit_a, pairing=from_july, kind="venue", description="会议室",
                      amount=None, contributed_on=D(2025, 12, 31))  # fmt: skip
    make_contribution(unit_a, p1, amount=Decimal("999"), contributed_on=D(2024, 12, 31))
    make_contribution(unit_b, p3, amount=Decimal("300"), contributed_on=D(2025, 7, 7))
    return {"p1": p1, "late": late, "confirmed": confirmed, "whole_year": whole_year}


def test_it_counts_a_units_year_as_worked_out_by_hand(year_data, unit_a, unit_b):
    figures = compute_figures(YEAR, [unit_a.pk, unit_b.pk])
    assert figures[unit_a.pk] == {
        "adopted_new": 1,  # p1
        "adopted_renewal": 1,  # p2, renewed from 2024
        "completed": 1,  # p1
        # Due in 2025 on p1 and p2: 3-01 (on time), 6-01 (late), 9-01 (open), 10-01 (on time).
        "milestones_due": 4,
        "milestones_on_time": 2,
        "milestones_on_time_pct": 50,
        # 365 days // 90 = 4; Jul 1–Dec 31 is 184 days // 30 = 6; Jan 1–Mar 31 is 90 // 60 = 1.
        "visits_expected": 11,
        "visits_made": 6,  # 3 + 2 + 1 in 2025; the 2024 one does not count
        "visits_pct": 55,  # 6 / 11 = 54.5%
        "funds": 6200.5,  # 5000 + 1200.50; the 999 of 2024 does not count
        "volunteer_people": 10,
        "volunteer_hours": 25.5,
        "goods_count": 1,
        "goods_value": 800.0,
        "venue_count": 1,
        "contributions": 5,
        "contributions_pending": 4,  # all but the 5000
    }
    b = figures[unit_b.pk]
    assert (b["adopted_new"], b["completed"], b["milestones_on_time_pct"], b["funds"]) == (
        1, 1, 100, 300.0)  # fmt: skip
    assert (b["visits_expected"], b["visits_pct"]) == (0, None)


def test_it_counts_the_current_year_to_today(unit_a):
    PairingFactory(unit=unit_a, started_on=D(2020, 1, 1), visit_cadence_days=30)
    figures = compute_figures(YEAR, [unit_a.pk], today=D(2025, 3, 1))
    assert figures[unit_a.pk]["visits_expected"] == 2  # Jan 1–Mar 1 is 60 days // 30


def test_the_page_shows_the_figures_linked_to_the_record(staff_client, year_data, unit_a):
    page = staff_client.get(reverse("records:assessment", args=[YEAR])).content.decode()
    record = reverse("records:unit-record", args=[unit_a.pk, YEAR])
    assert f'href="{record}#visits">6</a> / 11' in page
    assert f'href="{record}#contributions">6,200.50</a>' in page


def test_the_snapshot_stays_when_old_rows_are_edited(staff_client, staff, year_data, unit_a):
    response = staff_client.post(
        reverse("records:assessment-finalise", args=[YEAR]), {"confirmed": "yes"}
    )
    assert response.status_code == 302
    stored = AnnualAssessment.objects.get(unit=unit_a, year=YEAR)
    before = dict(stored.figures)
    assert before["funds"] == 6200.5

    year_data["confirmed"].amount = Decimal("9000")
    year_data["confirmed"].save()
    year_data["late"].done_on = D(2025, 8, 1)
    year_data["late"].save()
    VisitFactory(pairing=year_data["whole_year"], visited_on=D(2025, 12, 1))
    assert compute_figures(YEAR, [unit_a.pk])[unit_a.pk]["funds"] == 10200.5

    stored.refresh_from_db()
    assert stored.figures == before
    page = staff_client.get(reverse("records:assessment", args=[YEAR])).content.decode()
    record = reverse("records:unit-record", args=[unit_a.pk, YEAR])
    assert f'href="{record}#contributions">6,200.50</a>' in page
    record_page = staff_client.get(record).content.decode()
    assert ">6,200.50</a>" in record_page and ">10,200.50</a>" not in record_page


def test_a_re_finalise_takes_the_new_figures_and_is_recorded(staff, year_data, unit_a):
    finalise_year(YEAR, by=staff)
    year_data["confirmed"].amount = Decimal("9000")
    year_data["confirmed"].save()
    finalise_year(YEAR, by=staff)
    stored = AnnualAssessment.objects.get(unit=unit_a, year=YEAR)
    assert stored.figures["funds"] == 10200.5
    assert AssessmentFinalisation.objects.filter(year=YEAR).count() == 2
    assert [h.figures["funds"] for h in stored.history.order_by("history_date")] == [
        6200.5, 10200.5]  # fmt: skip


def test_the_rating_survives_a_re_finalise(staff_client, staff, year_data, unit_a):
    url = reverse("records:assessment-rate", args=[YEAR, unit_a.pk])
    assert staff_client.post(url, {"rating": "excellent", "remark": "走访扎实"}).status_code == 302
    finalise_year(YEAR, by=staff)
    stored = AnnualAssessment.objects.get(unit=unit_a, year=YEAR)
    assert (stored.rating, stored.remark, stored.is_final) == ("excellent", "走访扎实", True)


def test_it_leaves_out_units_that_were_not_members_that_year(staff_client, unit_a):
    MemberUnitFactory(name="后来加入的单位", joined_year=2026)
    gone = MemberUnitFactory(name="早已退出的单位")
    gone.deactivate(on=D(2024, 6, 30))
    page = staff_client.get(reverse("records:assessment", args=[YEAR])).content.decode()
    assert unit_a.name in page
    assert "后来加入的单位" not in page and "早已退出的单位" not in page


def test_it_filters_by_category_and_sorts_by_funds(staff_client, year_data, unit_a, unit_b):
    url = reverse("records:assessment", args=[YEAR])
    page = staff_client.get(url, {"category": "stationed"}).content.decode()
    assert unit_b.name in page and unit_a.name not in page
    page = staff_client.get(url, {"sort": "funds", "descending": "on"}).content.decode()
    assert page.index(unit_a.name) < page.index(unit_b.name)
    page = staff_client.get(url, {"sort": "funds"}).content.decode()
    assert page.index(unit_b.name) < page.index(unit_a.name)


def _network(size):
    """``size`` units, each with an adoption, a milestone, a pairing, a visit and a contribution."""
    for _ in range(size):
        unit = MemberUnitFactory()
        project = ProjectFactory(year=YEAR, status=Project.Status.IN_PROGRESS)
        AdoptionFactory(project=project, unit=unit)
        MilestoneFactory(project=project, due_on=D(2025, 5, 1))
        pairing = PairingFactory(unit=unit, community=project.community)
        VisitFactory(pairing=pairing, visited_on=D(2025, 6, 1))
        make_contribution(unit, project, contributed_on=D(2025, 6, 1))


@pytest.mark.parametrize("finalised", [False, True], ids=["live", "finalised"])
def test_its_query_count_is_the_same_for_10_and_143_units(staff_client, staff, finalised):
    url = reverse("records:assessment", args=[YEAR])
    counts = {}
    for size in (10, 143):
        _network(size - (10 if counts else 0))
        if finalised:
            finalise_year(YEAR, by=staff)
        counts[size] = get_queries(staff_client, url)
    # the page (with its pager's count), the menu's three to-do counts, the data versions
    # (users, inbox, pages), the councils
    assert_same_queries(counts[10], counts[143], at_most=18)


def test_it_shows_fifty_units_a_page_and_counts_only_theirs(staff_client):
    _network(60)
    url = reverse("records:assessment", args=[YEAR])
    first = staff_client.get(url)
    assert len(first.context["rows"]) == 50
    assert "60" in first.content.decode().split("table-wrap")[0]  # 60 member units
    second = staff_client.get(url, {"page": 2})
    names = [row["unit"].name for row in second.context["rows"]]
    assert len(names) == 10 and names == sorted(names)
    assert all(row["figures"]["visits_made"] == 1 for row in second.context["rows"])
    # Sorted by a figure, the order runs across pages.
    by_funds = staff_client.get(url, {"sort": "funds", "page": 2})
    assert len(by_funds.context["rows"]) == 10


def test_it_filters_by_the_years_rating(staff_client, staff, year_data, unit_a, unit_b):
    AnnualAssessment.objects.create(unit=unit_a, year=YEAR, rating="excellent")
    AnnualAssessment.objects.create(unit=unit_b, year=YEAR - 1, rating="good")  # another year
    url = reverse("records:assessment", args=[YEAR])
    rated = [r["unit"] for r in staff_client.get(url, {"rating": "excellent"}).context["rows"]]
    assert rated == [unit_a]
    unrated = [r["unit"] for r in staff_client.get(url, {"rating": "unrated"}).context["rows"]]
    assert unit_b in unrated and unit_a not in unrated
    assert staff_client.get(url, {"rating": "good"}).context["rows"] == []


def test_the_excel_export_keeps_formula_like_names_as_text(staff_client, unit_a):
    MemberUnitFactory(name="=HYPERLINK(\"http://x\")单位")
    response = staff_client.get(reverse("records:assessment-export", args=[YEAR]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "=HYPERLINK(\"http://x\")单位" in names
    cell = next(r[0] for r in sheet.iter_rows(min_row=2) if r[0].value.startswith("="))
    assert cell.data_type == "s"


def test_contributions_count_only_in_their_own_year(unit_a, adopted_project):
    make_contribution(unit_a, adopted_project, amount=10, contributed_on=D(2025, 12, 31))
    make_contribution(unit_a, adopted_project, amount=20, contributed_on=D(2026, 1, 1))
    assert compute_figures(2025, [unit_a.pk])[unit_a.pk]["funds"] == 10.0
    assert Contribution.objects.in_year(2026).totals()["funds"] == 20


def test_it_asks_before_finalising_and_names_what_is_still_open(staff_client, year_data, unit_a):
    url = reverse("records:assessment-finalise", args=[YEAR])
    table = staff_client.get(reverse("records:assessment", args=[YEAR])).content.decode()
    assert f'href="{url}"' in table and f'action="{url}"' not in table
    page = staff_client.get(url).content.decode()
    assert "5 条投入尚待确认" in page  # the four of unit_a's 2025 and unit_b's 300 yuan
    assert "2 个单位尚未评定等次" in page
    staff_client.post(url)  # the old one-tap form, without the confirmation
    assert not AssessmentFinalisation.objects.filter(year=YEAR).exists()

    rate = reverse("records:assessment-rate", args=[YEAR, unit_a.pk])
    staff_client.post(rate, {"rating": "good", "remark": ""})
    assert "1 个单位尚未评定等次" in staff_client.get(url).content.decode()
    assert staff_client.post(url, {"confirmed": "yes"}).status_code == 302
    assert AssessmentFinalisation.objects.filter(year=YEAR).count() == 1
    again = staff_client.get(url).content.decode()
    assert "今天的数据将替换当时保存的数据" in again
