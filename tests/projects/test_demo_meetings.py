import datetime
import io

import pytest

from demo import loader as demo
from projects.models import Adoption, JointMeeting, Project, RenewalProposal
from tests.factories import AdoptionFactory, CommunityFactory, MemberUnitFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_it_skips_gracefully_without_a_registry():
    demo.load_meetings(io.StringIO())
    assert JointMeeting.objects.get(held_on=datetime.date(2017, 11, 28)).adoption_open is False
    assert JointMeeting.objects.get(held_on=datetime.date(2026, 11, 28)).adoption_open is True
    assert not Adoption.objects.exists()


def test_it_loads_the_article_meeting_past_adopters_and_renewals_idempotently():
    nanwei = CommunityFactory(name="南圩居民区", kind="residential")
    wulong = CommunityFactory(name="五龙村")
    court = MemberUnitFactory(name="朱泾法庭", category="stationed", level="")
    sinopec = MemberUnitFactory(name="中石化上海工程公司", category="stationed", level="")
    others = [MemberUnitFactory() for _ in range(3)]
    ProjectFactory(title="爱五路亮灯工程", community=wulong, year=2017, status="completed")
    last_year = [
        ProjectFactory(year=2025, status=Project.Status.IN_PROGRESS) for _ in range(3)
    ] + [ProjectFactory(year=2025, status=Project.Status.COMPLETED, capacity=1, adopted_count=1)]
    AdoptionFactory(project=last_year[3], unit=others[0], meeting=None)  # already has one
    ProjectFactory(year=2026, status=Project.Status.OPEN)

    for _ in range(2):
        demo.load_meetings(io.StringIO())

    m2017 = JointMeeting.objects.get(held_on=datetime.date(2017, 11, 28))
    assert m2017.title == demo.MEETING_2017_TITLE
    assert m2017.adoption_open is False
    assert set(m2017.adoptions.values_list("project__title", "unit__name")) >= {
        ("法治大讲堂", "朱泾法庭"),
        ("社区法律诊所", "朱泾法庭"),
        ("爱五路亮灯工程", "中石化上海工程公司"),
    }
    assert Project.objects.filter(title="爱五路亮灯工程").count() == 1
    assert Project.objects.filter(community=nanwei).count() == 2
    for project in last_year[:3]:
        assert project.adoptions.count() == 1
        project.refresh_from_db()
        assert project.adopted_count <= project.capacity
    assert last_year[3].adoptions.count() == 1

    m2026 = JointMeeting.objects.get(held_on=datetime.date(2026, 11, 28))
    assert m2026.adoption_open is True
    assert Project.objects.filter(status=Project.Status.OPEN, year=2026).exists()
    proposals = RenewalProposal.objects.filter(meeting=m2026)
    assert proposals.count() == 3
    # The demo liaison's unit (fating → 朱泾法庭) keeps one to decide; the others renewed.
    assert proposals.get(status=RenewalProposal.Status.PENDING).unit == court
    assert proposals.filter(status=RenewalProposal.Status.CONFIRMED).count() == 2
    assert Adoption.objects.filter(kind=Adoption.Kind.RENEWAL, meeting=m2026).count() == 2
    assert sinopec.adoptions.filter(meeting=m2017).exists()
