"""Two councils with a year the tests know by heart (the figures are written out in the
tests, not computed here), and the personas of the district pages: dora the district staff,
alice office staff of Zhujing, bob a liaison."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from projects.models import Adoption, Need, Project
from records.models import AnnualAssessment, AssessmentFinalisation, Contribution
from tests.factories import (
    AdoptionFactory,
    CommunityFactory,
    DistrictFactory,
    JointMeetingFactory,
    MemberUnitFactory,
    NeedFactory,
    PairingFactory,
    ProjectFactory,
    UserFactory,
    VisitFactory,
)
from units.models import Council, Membership, Pairing

#: The year the figures are for: last year, so that every date in it has passed.
YEAR = timezone.localdate().year - 1
#: "Today" for the pairings' health.
TODAY = timezone.localdate()


@pytest.fixture
def dora(db):
    """District staff: office staff of no council."""
    return UserFactory(username="dora", is_staff=True, council=None, display_name="区委组织部")


@pytest.fixture
def dora_client(client, dora):
    client.force_login(dora)
    return client


@pytest.fixture
def zhujing(db):
    return Council.objects.get(id=Council.first_id())


@pytest.fixture
def fengjing(db):
    return Council.objects.create(name="枫泾镇", network_name="枫叶红", slug="fengjing", position=2)


def member(unit, council, joined=2020, left_on=None):
    """The unit's membership of ``council`` as given (a unit made in a council's scope
    already has one there)."""
    return Membership._base_manager.update_or_create(
        unit=unit,
        council=council,
        defaults={"joined_year": joined, "is_active": left_on is None, "left_on": left_on},
    )[0]


def confirmed(unit, council, kind, on, **fields):
    return Contribution.objects.create(
        unit=unit, council=council, kind=kind, contributed_on=on, status="confirmed",
        confirmed_at=timezone.now(), **fields,
    )  # fmt: skip


def _day(month, day):
    return datetime.date(YEAR, month, day)


@pytest.fixture
def two_councils(zhujing, fengjing):
    """Zhujing: two members (a third left the year before), four current pairings (one of
    each health) and an ended one, three needs, three adoptions, two meetings, contributions.
    Fengjing: the shared bureau and one unit of its own, one pairing, one need, one adoption."""
    with scopes_disabled():
        bureau = MemberUnitFactory(name="测试区财政局")
        court = MemberUnitFactory(name="测试法庭", category="stationed", level="")
        gone = MemberUnitFactory(name="测试已退出单位")
        works = MemberUnitFactory(name="测试枫泾企业", category="enterprise", level="")
        member(bureau, zhujing)
        member(court, zhujing)
        member(gone, zhujing, joined=2015, left_on=datetime.date(YEAR - 1, 5, 1))
        member(bureau, fengjing)
        member(works, fengjing)

        a1 = CommunityFactory(name="测试朱泾村", district=DistrictFactory(name="测试城南"))
        a2 = CommunityFactory(name="测试朱泾居民区", district=a1.district)
        b1 = CommunityFactory(
            name="测试枫泾村", district=DistrictFactory(name="测试枫泾片", council=fengjing)
        )

        def pairing(community, unit, cadence, visited_days_ago=None, **extra):
            p = PairingFactory(community=community, unit=unit, visit_cadence_days=cadence, **extra)
            if visited_days_ago is not None:
                VisitFactory(pairing=p, visited_on=TODAY - datetime.timedelta(visited_days_ago))
            return p

        pairing(a1, bureau, 30, 10)  # ok
        pairing(a1, court, 30, 25)  # due within the lead days
        pairing(a2, bureau, 30, 40)  # overdue
        pairing(a2, court, 30)  # never visited
        pairing(a2, gone, 30, 5, status=Pairing.Status.ENDED, ended_on=TODAY)  # not current
        pairing(b1, bureau, 90, 10)  # ok

        for community, status in [
            (a1, Need.Status.PENDING), (a1, Need.Status.PENDING), (a2, Need.Status.ACCEPTED),
            (b1, Need.Status.DECLINED),
        ]:  # fmt: skip
            need = NeedFactory(community=community, status=status)
            Need.objects.filter(pk=need.pk).update(submitted_at=timezone.make_aware(
                datetime.datetime(YEAR, 4, 1, 9)))  # fmt: skip
        old_need = NeedFactory(community=a1)  # the year before: not counted
        Need.objects.filter(pk=old_need.pk).update(
            submitted_at=timezone.make_aware(datetime.datetime(YEAR - 1, 4, 1, 9))
        )

        spring = JointMeetingFactory(held_on=_day(3, 1), adoption_open=False)
        autumn = JointMeetingFactory(held_on=_day(11, 28), adoption_open=False)
        theirs = JointMeetingFactory(council=fengjing, held_on=_day(4, 1), adoption_open=False)
        before = ProjectFactory(community=a1, year=YEAR - 1, status="completed", adopted_count=1)
        earlier = AdoptionFactory(project=before, unit=bureau, meeting=spring)
        lights = ProjectFactory(community=a1, year=YEAR, status="in_progress", adopted_count=1)
        lecture = ProjectFactory(
            community=a2, year=YEAR, status="adopted", capacity=2, adopted_count=2
        )
        ProjectFactory(community=a2, year=YEAR, status=Project.Status.OPEN)
        ProjectFactory(community=a2, year=YEAR, status=Project.Status.DRAFT)
        ProjectFactory(community=a2, year=YEAR, status=Project.Status.CANCELLED)
        AdoptionFactory(project=lights, unit=bureau, meeting=autumn)
        AdoptionFactory(project=lecture, unit=court, meeting=autumn)
        AdoptionFactory(project=lecture, unit=bureau, meeting=spring,
                        kind=Adoption.Kind.RENEWAL, renewal_of=earlier)  # fmt: skip
        park = ProjectFactory(community=b1, year=YEAR, status="in_progress", adopted_count=1)
        AdoptionFactory(project=park, unit=bureau, meeting=theirs)

        confirmed(bureau, zhujing, "funds", _day(6, 1), amount=1000, project=lights)
        Contribution.objects.create(unit=court, council=zhujing, kind="funds", amount=500,
                                    project=lecture, contributed_on=_day(6, 2))  # fmt: skip
        confirmed(court, zhujing, "volunteer_hours", _day(6, 3), people=3, hours=6, project=lecture)
        confirmed(court, zhujing, "goods", _day(6, 4), amount=200, description="慰问品",
                  project=lecture)  # fmt: skip
        confirmed(bureau, zhujing, "funds", datetime.date(YEAR - 1, 6, 1), amount=9999,
                  project=before)  # fmt: skip
        confirmed(bureau, fengjing, "funds", _day(7, 1), amount=2000, project=park)
        confirmed(works, fengjing, "venue", _day(7, 2), description="会议室", project=park)
    return {"zhujing": zhujing, "fengjing": fengjing, "bureau": bureau, "court": court}


def _assess(council, unit, rating, **figures):
    return AnnualAssessment.objects.create(
        council=council, unit=unit, year=YEAR, rating=rating, finalised_at=timezone.now(),
        figures={"adopted_new": 0, "adopted_renewal": 0, "completed": 0, "visits_made": 0,
                 "funds": 0.0, "volunteer_people": 0, "volunteer_hours": 0.0,
                 "goods_count": 0, "goods_value": 0.0, "venue_count": 0, "contributions": 0,
                 **figures},
    )  # fmt: skip


@pytest.fixture
def finalised(zhujing, fengjing):
    """Zhujing and 石化街道 finalised the year; 枫泾镇 has assessments but never finalised."""
    shihua = Council.objects.create(name="石化街道", slug="shihua", kind="street", position=3)
    bureau, court, works = (MemberUnitFactory(name=f"测试考评单位{n}") for n in "一二三")
    for unit in (bureau, court):
        member(unit, zhujing)
    member(bureau, shihua)
    member(works, fengjing)
    _assess(zhujing, bureau, "excellent", adopted_new=2, adopted_renewal=1, completed=2,
            visits_made=5, funds=1000.5, volunteer_people=4, volunteer_hours=8.5, goods_count=1,
            goods_value=300.0, contributions=4)  # fmt: skip
    _assess(zhujing, court, "", adopted_new=1, visits_made=2, venue_count=1, contributions=1)
    _assess(shihua, bureau, "good", adopted_new=1, visits_made=3, funds=2000.0, contributions=1)
    _assess(fengjing, works, "pass", adopted_new=7, visits_made=70, funds=70000.0)
    AssessmentFinalisation.objects.create(council=zhujing, year=YEAR, unit_count=2)
    AssessmentFinalisation.objects.create(council=shihua, year=YEAR, unit_count=1)
    AssessmentFinalisation.objects.create(council=fengjing, year=YEAR - 1, unit_count=1)
    return {"zhujing": zhujing, "fengjing": fengjing, "shihua": shihua}
