"""Demo contributions: the article's projects and pairings, and a share of the samples,
over the years, so the totals, the assessment and the annual report look like a network's.

Amounts are illustrative (the article names no sums); every note says “示例”. Runs after
the registry and the projects are loaded, and is safe to run again.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from projects.models import Adoption
from records.assessment import finalise_year
from records.models import AnnualAssessment, Contribution
from units.models import MemberUnit, Visit

from . import article

#: The article's contributions: (project title, unit, kind, amount, people, hours,
#: description, note). The article names what was given, not how much: amounts are samples.
ARTICLE_CONTRIBUTIONS = [
    ("万联村修筑道路", article.CAIZHENG, "funds", "200000", None, None, "",
     "及时资助修路专项资金（金额为示例）"),
    ("关爱扶贫项目", article.CAIZHENG, "funds", "30000", None, None, "",
     "走访慰问困难党员和群众，送资金、送温暖（金额为示例）"),
    ("爱五路亮灯工程", article.SINOPEC, "funds", "150000", None, None, "",
     "拨付专款为爱五路安装路灯（金额为示例）"),
    ("老旧小区铺石修路", article.GONGLU, "goods", "80000", None, None, "铺路石材与施工机械",
     "发挥专业优势铺石修路（价值为示例）"),
    ("老旧小区铺石修路", article.GONGLU, "volunteer_hours", None, 24, "96", "",
     "技术人员志愿施工（示例）"),
    ("法治大讲堂", article.FATING, "volunteer_hours", None, 12, "36", "",
     "法官进社区以案说法（示例）"),
    ("社区法律诊所", article.FATING, "volunteer_hours", None, 20, "60", "",
     "法官坐诊答疑（示例）"),
    ("社区法律诊所", article.FATING, "venue", None, None, None, "法庭调解室",
     "提供调解场地（示例）"),
]  # fmt: skip

#: What units give on visits to their paired communities (the article: “走访慰问”).
VISIT_GIFTS = ["慰问米油", "节日慰问品", "助老物资", "防暑降温用品", "冬季御寒衣物"]
SAMPLE_SHARE = 0.8
SEED = 20261128


def _dated(rng, year, today):
    last = min(datetime.date(year, 12, 31), today)
    first = datetime.date(year, 1, 1)
    if last < first:
        return None
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _sample_rows(rng, adoption, today):
    """One to three contributions to a sample project, in the project's year."""
    rows = []
    for _ in range(rng.randint(1, 3)):
        day = _dated(rng, adoption.project.year, today)
        if day is None:
            break
        kind = rng.choice(["funds", "funds", "volunteer_hours", "goods", "venue"])
        row = Contribution(
            unit_id=adoption.unit_id, project_id=adoption.project_id, kind=kind,
            contributed_on=day, note="（示例）",
        )  # fmt: skip
        if kind == "funds":
            row.amount = Decimal(rng.randrange(2, 60) * 1000)
        elif kind == "volunteer_hours":
            row.people = rng.randint(4, 30)
            row.hours = Decimal(row.people * rng.choice([2, 3, 4]))
        elif kind == "goods":
            row.description = rng.choice(VISIT_GIFTS)
            row.amount = Decimal(rng.randrange(5, 80) * 100)
        else:
            row.description = rng.choice(["党群服务站活动室", "单位会议室", "职工食堂"])
        rows.append(row)
    return rows


def load(stdout, this_year=None):
    if Contribution.objects.exists():
        stdout.write("  contributions: already loaded")
        return
    today = timezone.localdate()
    this_year = this_year or today.year
    rng = random.Random(SEED)
    office = get_user_model().objects.filter(is_staff=True).order_by("id").first()
    liaisons = dict(
        get_user_model().objects.filter(unit__isnull=False).values_list("unit_id", "id")
    )
    rows = []

    adoptions = Adoption.objects.select_related("project", "unit").order_by("id")
    for title, unit_name, kind, amount, people, hours, description, note in ARTICLE_CONTRIBUTIONS:
        adoption = adoptions.filter(project__title=title, unit__name=unit_name).first()
        if adoption is None:
            continue
        rows.append(
            Contribution(
                unit_id=adoption.unit_id, project_id=adoption.project_id, kind=kind,
                amount=amount and Decimal(amount), people=people,
                hours=hours and Decimal(hours), description=description, note=note,
                contributed_on=_dated(rng, adoption.project.year, today) or today,
            )
        )  # fmt: skip

    told = {r.project_id for r in rows}
    for adoption in adoptions.exclude(project_id__in=told):
        if rng.random() < SAMPLE_SHARE:
            rows.extend(_sample_rows(rng, adoption, today))

    # Gifts on the visits: every one of 财政局's (“连续走访慰问”), a share of the others'.
    visits = Visit.objects.filter(pairing__unit__isnull=False).select_related("pairing")
    caizheng = set(
        MemberUnit.objects.filter(name=article.CAIZHENG).values_list("id", flat=True)
    )
    for visit in visits.order_by("id").iterator():
        article_visit = visit.pairing.unit_id in caizheng
        if article_visit or rng.random() < 0.4:
            rows.append(
                Contribution(
                    unit_id=visit.pairing.unit_id, pairing_id=visit.pairing_id, kind="goods",
                    description=rng.choice(VISIT_GIFTS),
                    amount=Decimal(rng.randrange(3, 40) * 100),
                    contributed_on=visit.visited_on, note="走访时送去（示例）",
                )
            )  # fmt: skip

    now = timezone.now()
    for row in rows:
        row.recorded_by_id = liaisons.get(row.unit_id)
        # Earlier years are confirmed; this year's mostly await the office.
        if row.contributed_on.year < this_year or rng.random() < 0.3:
            row.status = Contribution.Status.CONFIRMED
            row.confirmed_at, row.confirmed_by = now, office
    bulk_create_with_history(rows, Contribution, batch_size=500, default_user=office)
    stdout.write(f"  contributions: {len(rows)} (the article's and a share of the samples')")
    _finalise_last_year(this_year - 1, office, stdout)


def _finalise_last_year(year, office, stdout):
    """Last year is finalised, with a few ratings, so the assessment shows a snapshot."""
    finalise_year(year, by=office)
    ratings = ["excellent", "good", "good", "pass"]
    for n, assessment in enumerate(
        AnnualAssessment.objects.filter(year=year).order_by("-figures__funds", "id")[:8]
    ):
        assessment.rating = ratings[n % len(ratings)]
        assessment.remark = "（示例）全年投入扎实，走访按期。"
        assessment.save(update_fields=["rating", "remark"])
    stdout.write(f"  assessment {year}: finalised")
