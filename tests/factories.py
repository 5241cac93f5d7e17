"""Factories for tests and benchmarks. Names say they are test data."""

import datetime

import factory
from django.contrib.auth import get_user_model

from projects.models import Adoption, Category, JointMeeting, Match, Milestone, Need, Project
from units.models import (
    Community,
    Council,
    District,
    MemberUnit,
    Pairing,
    Resource,
    Visit,
    current_council_id,
)

PASSWORD = "correct-horse-battery-staple"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试片区{n}")
    kind = District.Kind.COMMUNITY
    position = factory.Sequence(lambda n: n)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"测试村居{n}")
    kind = Community.Kind.VILLAGE
    district = factory.SubFactory(DistrictFactory)


class MemberUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberUnit

    name = factory.Sequence(lambda n: f"测试成员单位{n}")
    category = MemberUnit.Category.ORGAN
    level = factory.LazyAttribute(
        lambda o: MemberUnit.Level.DISTRICT if o.category == MemberUnit.Category.ORGAN else ""
    )
    party_org_name = factory.LazyAttribute(lambda o: f"{o.name}党支部")
    liaison_name = "张联络"
    liaison_phone = factory.Sequence(lambda n: f"1390000{n:04d}")
    liaison_email = factory.Sequence(lambda n: f"liaison{n}@example.test")
    joined_year = 2005


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)
    #: Office staff work for the council the test runs in (staff without one are the
    #: district's, read-only everywhere).
    council = factory.LazyAttribute(
        lambda o: Council.objects.get(pk=current_council_id()) if o.is_staff else None
    )
    is_staff = False


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    community = factory.SubFactory(CommunityFactory)
    unit = factory.SubFactory(MemberUnitFactory)
    mode = factory.LazyAttribute(lambda o: Pairing.mode_for(unit=o.unit))
    started_on = datetime.date(2020, 1, 1)
    visit_cadence_days = 90


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    pairing = factory.SubFactory(PairingFactory)
    visited_on = datetime.date(2024, 3, 1)
    visitors = "测试走访人"
    households_visited = 3
    activities = "慰问困难群众"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"测试项目{n}")
    description = "测试项目说明"
    category = Category.CONVENIENCE
    community = factory.SubFactory(CommunityFactory)
    year = 2026
    status = Project.Status.OPEN


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    community = factory.SubFactory(CommunityFactory)
    category = Category.CARE_AID
    text = "希望小区加装扶手"


class JointMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointMeeting

    title = factory.Sequence(lambda n: f"测试联席会议{n}")
    held_on = datetime.date(2026, 11, 28)
    adoption_open = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As the app does (projects.actions.set_adoption_window): one open meeting at a time.
        if kwargs.get("adoption_open"):
            model_class.objects.filter(adoption_open=True).update(adoption_open=False)
        return super()._create(model_class, *args, **kwargs)


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    project = factory.SubFactory(ProjectFactory)
    unit = factory.SubFactory(MemberUnitFactory)
    meeting = factory.SubFactory(JointMeetingFactory, adoption_open=False)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"测试节点{n}")
    due_on = datetime.date(2026, 12, 31)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource
        skip_postgeneration_save = True

    unit = factory.SubFactory(MemberUnitFactory)
    kind = Resource.Kind.VOLUNTEERS
    title = factory.Sequence(lambda n: f"测试资源{n}")
    description = "测试资源说明"
    categories = factory.LazyFunction(lambda: [Category.CARE_AID])

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        if create and extracted:
            self.communities.set(extracted)


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    need = factory.SubFactory(NeedFactory)
    resource = factory.SubFactory(ResourceFactory)
    proposed_by = Match.ProposedBy.UNIT
