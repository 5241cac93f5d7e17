"""A 20-year data set for the benchmark: the network as it might look in 2026.

143 member units, 45 communities in 5 districts, ~200 pairings with 30,000 visits,
3,000 projects with 6,000 adoptions and 15,000 milestones, one joint meeting a year.
The current year's meeting has its adoption window open, with a set of open projects
with small capacities for the adoption surge. Everything is made with bulk_create;
``scale`` below 1 shrinks the row counts (the structure stays) for a quick smoke test; a
whole number N above 1 builds N towns' worth (a city-sized set for the scale run): each
further town has its own districts, communities, local units, visits and projects, and the
city and district organs are shared, each one record paired in about three towns.

With ``councils`` N each town is its own council (联席会议), as a district or city
deployment holds them: its own 片区, communities, pairings, visits, meetings, needs and
projects, every row given its ``council`` explicitly (``bulk_create`` skips ``save()``,
which would derive it), and a ``Membership`` for each unit in each council it serves: a
shared organ is one ``MemberUnit`` with memberships in about three councils. The first
council is Zhujing (``Council.first_id()``), the one served at the site's root.
"""

import datetime
import random
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_scopes import scopes_disabled

from projects.models import (
    Adoption,
    Category,
    JointMeeting,
    Milestone,
    Need,
    ProgressUpdate,
    Project,
)
from units.models import Community, Council, District, MemberUnit, Membership, Pairing, Visit
from accounts.models import User

CURRENT_YEAR = 2026
FIRST_YEAR = CURRENT_YEAR - 19  # 20 years: 2007-2026
PASSWORD = "bench-password-2026"  # noqa: S105 - a benchmark-only data set
STAFF_USERNAME = "bench-staff"

DISTRICTS = [
    ("城南片区", District.Kind.COMMUNITY),
    ("城东片区", District.Kind.COMMUNITY),
    ("城西片区", District.Kind.COMMUNITY),
    ("东片", District.Kind.RURAL),
    ("西片", District.Kind.RURAL),
]
#: 74 organs (city and district level) and 69 stationed units and "two new" organisations.
UNIT_MIX = [
    (MemberUnit.Category.ORGAN, MemberUnit.Level.CITY, 18),
    (MemberUnit.Category.ORGAN, MemberUnit.Level.DISTRICT, 56),
    (MemberUnit.Category.STATIONED, "", 31),
    (MemberUnit.Category.ENTERPRISE, "", 24),
    (MemberUnit.Category.SOCIAL_ORG, "", 14),
]
UNIT_LABEL = {
    (MemberUnit.Category.ORGAN, MemberUnit.Level.CITY): "市级机关",
    (MemberUnit.Category.ORGAN, MemberUnit.Level.DISTRICT): "区级机关",
    (MemberUnit.Category.STATIONED, ""): "驻镇单位",
    (MemberUnit.Category.ENTERPRISE, ""): "新经济组织",
    (MemberUnit.Category.SOCIAL_ORG, ""): "新社会组织",
}
#: In a city-sized set, how many towns an organ is paired in (on average).
ORGAN_TOWNS = 3
SURGE_PROJECTS = 48
SURGE_CAPACITIES = [1, 1, 2, 2, 3]


@dataclass
class Loaded:
    units: list
    liaisons: list
    staff: User
    meeting: JointMeeting
    surge_projects: list
    sample_projects: list
    counts: dict


def _n(count, scale, minimum=1):
    return max(minimum, round(count * scale))


def towns_for(scale):
    """How many towns ``scale`` asks for: a whole number of them from 1 up, else one."""
    if scale > 1 and scale != int(scale):
        raise ValueError(f"a scale above 1 counts towns: {scale} is not a whole number")
    return max(1, int(scale))


def load(scale=1.0, seed=2026, stdout=None, rows=1.0, councils=1):
    """Create the data set in an empty database. Returns what the benchmark needs.

    ``rows`` shrinks every town's row counts too (a quick check of a city-sized structure);
    ``councils`` N builds N towns, each its own council (``scale`` then only shrinks rows).
    Works across councils on purpose, so outside any scope."""
    with scopes_disabled():
        return _load(scale, seed, stdout, rows, councils)


def _meetings(council, town_name):
    meetings = JointMeeting.objects.bulk_create(
        JointMeeting(
            council=council,
            title=f"{year}年度{town_name}区域化党建联席会议",
            held_on=datetime.date(year, 3, 15) if year < CURRENT_YEAR else datetime.date(year, 11, 28),
            venue=f"{town_name}党群服务中心",
            adoption_open=year == CURRENT_YEAR,
        )
        for year in range(FIRST_YEAR, CURRENT_YEAR + 1)
    )
    return {m.held_on.year: m for m in meetings}


def _load(scale, seed, stdout, rows, councils):
    rng = random.Random(seed)
    say = stdout.write if stdout else (lambda _msg: None)
    if councils > 1:
        if scale > 1:
            raise ValueError("give either a number of towns (scale) or of councils, not both")
        towns = councils
    else:
        towns = towns_for(scale)
    scale = min(scale, 1.0) * rows
    password_hash = make_password(PASSWORD)
    first = Council.objects.get(pk=Council.first_id())
    staff = User.objects.create(
        username=STAFF_USERNAME,
        password=password_hash,
        is_staff=True,
        display_name="党建办",
        council=first,
    )
    meeting_by_year = _meetings(first, "朱泾镇")
    meeting = meeting_by_year[CURRENT_YEAR]

    town = _town(0, rng, scale, staff, password_hash, meeting_by_year, first, organs=None, say=say)
    communities, units, liaisons = town["communities"], town["units"], town["liaisons"]
    organs = [u for u in units if u.category == MemberUnit.Category.ORGAN]
    for k in range(1, towns):
        # Each town its own random stream: town 0 stays the same data whatever the scale.
        town_rng = random.Random(seed + k)
        share = min(1.0, ORGAN_TOWNS / towns)
        paired = [u for u in organs if town_rng.random() < share]
        council, town_meetings = first, meeting_by_year
        if councils > 1:
            council = Council.objects.create(
                name=f"第{k + 1}镇", network_name=f"第{k + 1}镇联席会议", slug=f"town{k + 1}",
                position=k,
            )  # fmt: skip
            town_meetings = _meetings(council, council.name)
            User.objects.create(
                username=f"{STAFF_USERNAME}-town{k + 1}",
                password=password_hash,
                is_staff=True,
                display_name=f"第{k + 1}镇党建办",
                council=council,
            )
        extra = _town(
            k, town_rng, scale, staff, password_hash, town_meetings, council, organs=paired,
            say=say,
        )  # fmt: skip
        units += extra["local_units"]
        liaisons += extra["liaisons"]
    categories = [c for c, _ in Category.choices]

    return _finish(staff, meeting, communities, units, liaisons, categories, say)


def _town(k, rng, scale, staff, password_hash, meeting_by_year, council, organs, say, batch=2000):
    """One town's districts, communities, units and 20 years of visits and projects.

    Town 0 is Zhujing with every unit; a further town (``k`` > 0) makes its local units only
    and pairs the shared ``organs`` too."""
    prefix = f"第{k + 1}镇" if k else ""
    districts = District.objects.bulk_create(
        District(council=council, name=prefix + name, kind=kind, position=k * len(DISTRICTS) + i)
        for i, (name, kind) in enumerate(DISTRICTS)
    )
    communities = []
    n_communities = _n(45, scale, minimum=5)
    for i in range(n_communities):
        district = districts[i % len(districts)]
        rural = district.kind == District.Kind.RURAL
        kind = Community.Kind.VILLAGE if rural else Community.Kind.RESIDENTIAL
        suffix = "村" if rural else "居民区"
        communities.append(
            Community(name=f"{district.name}第{i + 1:02d}{suffix}", kind=kind, district=district)
        )
    communities = Community.objects.bulk_create(communities)

    units = []
    for category, level, count in UNIT_MIX:
        if k and category == MemberUnit.Category.ORGAN:
            continue  # shared: made with town 0
        for j in range(_n(count, scale)):
            joined = rng.randint(FIRST_YEAR - 10, CURRENT_YEAR)
            units.append(
                MemberUnit(
                    name=f"{prefix}{UNIT_LABEL[(category, level)]}成员单位{j + 1:03d}",
                    category=category,
                    level=level,
                    party_org_name=f"{prefix}{UNIT_LABEL[(category, level)]}成员单位{j + 1:03d}党支部",
                    district=rng.choice(districts),
                    liaison_name=f"联络员{len(units) + 1:03d}",
                    liaison_phone=f"139{k:02d}{len(units):06d}",
                    joined_year=max(joined, 1997),
                )
            )
    local_units = MemberUnit.objects.bulk_create(units)
    liaisons = User.objects.bulk_create(
        User(
            username=f"unit{i + 1:03d}" if not k else f"town{k + 1}-unit{i + 1:03d}",
            password=password_hash,
            display_name=f"{unit.name}联络员",
            unit=unit,
        )
        for i, unit in enumerate(local_units)
    )
    units = local_units + (organs or [])
    Membership.objects.bulk_create(
        [
            Membership(
                unit=unit,
                council=council,
                district=unit.district if unit.district.council_id == council.pk else rng.choice(districts),
                joined_year=unit.joined_year,
            )
            for unit in units
        ],
        ignore_conflicts=True,  # several towns in one council: the organs' exist already
    )
    say(f"  {prefix or '朱泾'}: {len(communities)} communities, {len(units)} units\n")

    # Pairings: each unit pairs with one or two communities; a few community-community pairs.
    pairings = []
    taken = set()
    for unit in units:
        for community in rng.sample(communities, k=min(len(communities), rng.choice([1, 1, 2]))):
            if (community.pk, unit.pk) in taken:
                continue
            taken.add((community.pk, unit.pk))
            pairings.append(
                Pairing(
                    council=council,
                    community=community,
                    unit=unit,
                    mode=Pairing.mode_for(unit=unit),
                    programme=rng.choice(["", "", "double_hundred", "urban_rural"]),
                    started_on=datetime.date(rng.randint(FIRST_YEAR, CURRENT_YEAR - 1), 3, 1),
                    agreement_signed_on=datetime.date(FIRST_YEAR, 3, 1),
                    visit_cadence_days=rng.choice([30, 60, 90, 90, 180]),
                    created_by=staff,
                )
            )
    for i in range(0, len(communities) - 1, 3):
        pairings.append(
            Pairing(
                council=council,
                community=communities[i],
                partner_community=communities[i + 1],
                mode=Pairing.Mode.VILLAGE_COMMUNITY,
                started_on=datetime.date(FIRST_YEAR, 1, 1),
                created_by=staff,
            )
        )
    pairings = Pairing.objects.bulk_create(pairings)

    first_day = datetime.date(FIRST_YEAR, 1, 1)
    span_days = (datetime.date(CURRENT_YEAR, 11, 1) - first_day).days
    visits = [
        Visit(
            council=council,
            pairing=rng.choice(pairings),
            visited_on=first_day + datetime.timedelta(days=rng.randrange(span_days)),
            channel=rng.choice([Visit.Channel.ONSITE, Visit.Channel.ONSITE, Visit.Channel.ELECTRONIC]),
            visitors="党员志愿者",
            households_visited=rng.randint(0, 12),
            activities="走访慰问困难群众，了解居民需求",
        )
        for _ in range(_n(30000, scale))
    ]
    Visit.objects.bulk_create(visits, batch_size=batch)
    say(f"  {len(pairings)} pairings, {len(visits)} visits\n")

    categories = [c for c, _ in Category.choices]
    n_projects = _n(3000, scale, minimum=SURGE_PROJECTS // 4)
    n_adoptions = _n(6000, scale)
    per_year = max(1, n_projects // 20)
    projects = []
    for i in range(n_projects):
        year = min(CURRENT_YEAR, FIRST_YEAR + i // per_year)
        if year < CURRENT_YEAR - 1:
            status = rng.choice(
                [Project.Status.COMPLETED] * 8 + [Project.Status.CANCELLED]
            )
        elif year == CURRENT_YEAR - 1:
            status = rng.choice([Project.Status.COMPLETED, Project.Status.IN_PROGRESS])
        else:
            status = rng.choice(
                [Project.Status.ADOPTED, Project.Status.IN_PROGRESS, Project.Status.OPEN]
            )
        projects.append(
            Project(
                council=council,
                title=f"{year}年{rng.choice(communities).name}公益项目{i + 1:04d}",
                description="围绕居民需求开展的社区公益项目。" * 4,
                category=rng.choice(categories),
                community=rng.choice(communities),
                year=year,
                budget_estimate=rng.randint(5, 300) * 1000,
                beneficiaries="社区居民",
                capacity=rng.choice([1, 2, 2, 3, 3, 4]),
                status=status,
                created_by=staff,
            )
        )
    projects = Project.objects.bulk_create(projects, batch_size=batch)

    # Adoptions: spread over the projects that were ever adopted, never over capacity.
    adoptable = [
        p for p in projects if p.status not in (Project.Status.OPEN, Project.Status.CANCELLED)
    ]
    wanted = [0] * len(adoptable)  # seats to fill, project by project
    total = 0
    while total < n_adoptions and adoptable:
        progressed = False
        for i, project in enumerate(adoptable):
            if total >= n_adoptions:
                break
            if wanted[i] >= min(project.capacity, len(units)):
                continue
            wanted[i] += 1
            total += 1
            progressed = True
        if not progressed:
            break
    adoptions = []
    with transaction.atomic():
        for project, n in zip(adoptable, wanted, strict=True):
            for unit in rng.sample(units, k=n):
                if project.claim_past_seat():  # the seat rule the app uses
                    adoptions.append(
                        Adoption(
                            project=project,
                            unit=unit,
                            meeting=meeting_by_year[project.year],
                            commitment="出资出力，共同推进项目落地",
                            recorded_by=staff,
                        )
                    )
        Adoption.objects.bulk_create(adoptions, batch_size=batch)

    milestones = []
    n_milestones = _n(15000, scale)
    for i in range(n_milestones):
        project = projects[i % len(projects)]
        due = datetime.date(project.year, 1 + (i * 7) % 12, 1 + (i * 11) % 28)
        done = project.status == Project.Status.COMPLETED or (
            project.status == Project.Status.IN_PROGRESS and rng.random() < 0.5
        )
        milestones.append(
            Milestone(
                project=project,
                title=rng.choice(["方案确定", "物资采购", "施工进场", "中期检查", "验收完成"]),
                due_on=due,
                done_on=due if done else None,
            )
        )
    Milestone.objects.bulk_create(milestones, batch_size=batch)

    needs = []
    for i, project in enumerate(projects):
        needs.append(
            Need(
                council=council,
                community=project.community,
                category=project.category,
                text="希望社区解决居民反映的实际困难。",
                source=rng.choice([s for s, _ in Need.Source.choices]),
                contact_name="居民",
                contact_phone=f"138{i:08d}",
                status=Need.Status.ACCEPTED,
                project=project,
                tracking_code=secrets.token_urlsafe(12),
            )
        )
    for i in range(_n(300, scale)):
        needs.append(
            Need(
                council=council,
                community=rng.choice(communities),
                category=rng.choice(categories),
                text="小区路灯不亮，希望尽快维修。",
                contact_phone=f"137{i:08d}",
                tracking_code=secrets.token_urlsafe(12),
            )
        )
    Need.objects.bulk_create(needs, batch_size=batch)
    ProgressUpdate.objects.bulk_create(
        (
            ProgressUpdate(project=p, text="项目按计划推进。", author=staff)
            for p in projects
            if p.status in (Project.Status.IN_PROGRESS, Project.Status.COMPLETED)
        ),
        batch_size=batch,
    )
    return {
        "communities": communities,
        "units": units,
        "local_units": local_units,
        "liaisons": liaisons,
    }


def _finish(staff, meeting, communities, units, liaisons, categories, say):
    """The surge projects, a sample for the load generator and the counts."""
    # The surge: open projects of this year's meeting, with small capacities, no adopters yet.
    surge = Project.objects.bulk_create(
        Project(
            council=meeting.council,
            title=f"{CURRENT_YEAR}年联席会议认领项目{i + 1:02d}",
            description="联席会议现场认领的社区公益项目。",
            category=categories[i % len(categories)],
            community=communities[i % len(communities)],
            year=CURRENT_YEAR,
            capacity=SURGE_CAPACITIES[i % len(SURGE_CAPACITIES)],
            status=Project.Status.OPEN,
            created_by=staff,
        )
        for i in range(SURGE_PROJECTS)
    )

    sample = list(
        Project.objects.filter(council=meeting.council, year__gte=CURRENT_YEAR - 2)
        .exclude(status__in=[Project.Status.DRAFT, Project.Status.CANCELLED])
        .values_list("pk", flat=True)[:200]
    )
    counts = _counts()
    say("  " + ", ".join(f"{v} {k}" for k, v in counts.items()) + "\n")
    return Loaded(
        units=units,
        liaisons=liaisons,
        staff=staff,
        meeting=meeting,
        surge_projects=surge,
        sample_projects=sample,
        counts=counts,
    )


def counts():
    """The loaded data's row counts, across councils."""
    with scopes_disabled():
        return _counts()


def _counts():
    return {
        "councils": Council.objects.count(),
        "memberships": Membership.objects.count(),
        "districts": District.objects.count(),
        "communities": Community.objects.count(),
        "units": MemberUnit.objects.count(),
        "liaisons": User.objects.filter(unit__isnull=False).count(),
        "pairings": Pairing.objects.count(),
        "visits": Visit.objects.count(),
        "projects": Project.objects.count(),
        "adoptions": Adoption.objects.count(),
        "milestones": Milestone.objects.count(),
        "needs": Need.objects.count(),
        "meetings": JointMeeting.objects.count(),
    }


def surge_check():
    """After the surge: no project over capacity, and the counter matches the rows."""
    from django.db.models import Count

    rows = (
        Project.objects.filter(year=CURRENT_YEAR, title__contains="联席会议认领项目")
        .annotate(n=Count("adoptions"))
        .values("pk", "capacity", "adopted_count", "n")
    )
    over = [r for r in rows if r["n"] > r["capacity"] or r["adopted_count"] > r["capacity"]]
    mismatched = [r for r in rows if r["n"] != r["adopted_count"]]
    return {
        "projects": len(rows),
        "capacity": sum(r["capacity"] for r in rows),
        "adoptions": sum(r["n"] for r in rows),
        "over_capacity": len(over),
        "count_mismatch": len(mismatched),
        "full": sum(1 for r in rows if r["n"] >= r["capacity"]),
    }
