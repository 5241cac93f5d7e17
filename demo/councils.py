"""Two more councils of Jinshan district beside Zhujing's, so the district roll-up, the
district report and a shared organ's pages have something to show.

枫泾镇 and 石化街道 are real places of Jinshan; their network names, 片区, communities, units,
projects and figures are samples (every invented name says 示例). A few district organs are
shared: ONE member unit (金山区财政局, two sample district organs) with a membership in two or
three councils and pairings and projects in each.

Each council is loaded inside ``scope(council=…)``: every row it creates belongs to that
council. Safe to run again: rows are found by their natural keys, contributions and the
year's finalisation are made once per council.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_scopes import scope
from simple_history.utils import bulk_create_with_history

from projects.models import Adoption, Category, JointMeeting, Need, Project
from records.assessment import compute_figures
from records.models import AnnualAssessment, AssessmentFinalisation, Contribution
from units.models import Community, Council, District, MemberUnit, Membership, Pairing, Visit

from . import article
from .loader import _attach, _sync, _visit_day, demo_login

SHARED_ORGAN_1 = "示例区级机关01"
SHARED_ORGAN_2 = "示例区级机关02"

#: The councils: their 片区 (name, kind), communities (name, kind, 片区), own units
#: (name, category) and the shared organs that are members there too.
COUNCILS = [
    {
        "council": {"name": "枫泾镇", "network_name": "枫叶红", "kind": "town", "slug": "fengjing",
                    "position": 2},
        "login": ("fengjing", "枫泾镇党建办（示例）"),
        "districts": [("枫泾镇区片", "community"), ("枫泾农村片", "rural")],
        "communities": [
            ("示例枫泾居民区一", "residential", "枫泾镇区片"),
            ("示例枫泾居民区二", "residential", "枫泾镇区片"),
            ("示例枫泾村一", "village", "枫泾农村片"),
            ("示例枫泾村二", "village", "枫泾农村片"),
        ],
        "units": [
            ("示例枫泾新经济组织一", "enterprise"),
            ("示例枫泾辖区单位一", "stationed"),
            ("示例枫泾新社会组织一", "social_org"),
        ],
        "shared": [article.CAIZHENG, SHARED_ORGAN_1],
        "joined": 2012,
        "meeting_day": (3, 18),
        "funds_step": 10000,
    },
    {
        "council": {"name": "石化街道", "network_name": "石化同心", "kind": "street", "slug": "shihua",
                    "position": 3},
        "login": ("shihua", "石化街道党建办（示例）"),
        "districts": [("石化北片", "community"), ("石化南片", "community")],
        "communities": [
            ("示例石化居民区一", "residential", "石化北片"),
            ("示例石化居民区二", "residential", "石化北片"),
            ("示例石化居民区三", "residential", "石化南片"),
            ("示例石化居民区四", "residential", "石化南片"),
        ],
        "units": [
            ("示例石化新经济组织一", "enterprise"),
            ("示例石化辖区单位一", "stationed"),
            ("示例石化新社会组织一", "social_org"),
        ],
        "shared": [article.CAIZHENG, SHARED_ORGAN_2],
        "joined": 2014,
        "meeting_day": (3, 25),
        "funds_step": 6000,
    },
]  # fmt: skip

#: The district organisation department's login: staff of no council.
DISTRICT_LOGIN = ("district", "区委组织部（示例）")


def load(stdout):
    """Load the councils, each in its own scope, and the district login. Returns the logins."""
    logins = []
    for spec in COUNCILS:
        council, _ = Council.objects.get_or_create(
            slug=spec["council"]["slug"], defaults=spec["council"]
        )
        with scope(council=council.pk):
            logins.append(_load_council(council, spec, stdout))
    logins.append(_login(*DISTRICT_LOGIN, council=None, role="district staff (区委组织部)"))
    return logins


def _login(username, display_name, council, role):
    fields = {"is_staff": True, "is_superuser": False, "unit": None, "council": council,
              "display_name": display_name}  # fmt: skip
    return demo_login(username, fields, role)


def _load_council(council, spec, stdout):
    office = spec["login"]
    login = _login(office[0], office[1], council=council,
                   role=f"office staff of {council.name}")  # fmt: skip
    user = get_user_model().objects.get(username=office[0])
    districts = _sync(
        District,
        ["council_id", "name"],
        [{"council_id": council.pk, "name": name, "kind": kind, "position": i}
         for i, (name, kind) in enumerate(spec["districts"], start=1)],
    )  # fmt: skip
    districts = {key[1]: d for key, d in districts.items()}
    communities = _sync(
        Community,
        ["name"],
        [{"name": name, "kind": kind, "district_id": districts[d].pk, "is_active": True,
          "signature_brand": ""} for name, kind, d in spec["communities"]],
    )  # fmt: skip
    communities = [communities[(name,)] for name, _kind, _d in spec["communities"]]
    units = _units(council, spec, districts)
    pairings = _pairings(communities, units)
    _visits(pairings)
    projects = _projects(council, spec, communities, units)
    _needs(communities, projects)
    _contributions(council, user, pairings, spec["funds_step"])
    _finalise(council, user)
    stdout.write(
        f"{council.name}: {len(districts)} districts, {len(communities)} communities, "
        f"{len(units)} member units ({len(spec['shared'])} shared), {len(pairings)} pairings, "
        f"{Project.objects.filter(council=council).count()} projects."
    )
    return login


def _units(council, spec, districts):
    """The council's own units, and the shared organs (created by Zhujing's registry, or
    here if it has not run), each with a membership of this council."""
    first_district = next(iter(districts.values()))
    own = _sync(
        MemberUnit,
        ["name"],
        [{"name": name, "category": category, "level": "", "district_id": first_district.pk,
          "party_org_name": f"{name}党支部", "joined_year": spec["joined"], "is_active": True,
          "left_on": None} for name, category in spec["units"]],
    )  # fmt: skip
    units = [own[(name,)] for name, _category in spec["units"]]
    for name in spec["shared"]:
        unit, _ = MemberUnit.objects.get_or_create(
            name=name,
            defaults={"category": "organ", "level": "district", "joined_year": spec["joined"],
                      "party_org_name": f"{name}机关党委"},
        )  # fmt: skip
        units.append(unit)
    _sync(
        Membership,
        ["unit_id", "council_id"],
        [{"unit_id": u.pk, "council_id": council.pk, "joined_year": spec["joined"],
          "district_id": first_district.pk if u.category != "organ" else None,
          "is_active": True, "left_on": None} for u in units],
    )  # fmt: skip
    return units


#: (community index, unit index or None, partner community index, cadence, visits as days
#: before the first of this month): ok, due soon, overdue and never-visited pairings.
PAIRINGS = [
    (0, 3, None, 30, [25, 200, 330]),  # 财政局: due soon
    (1, 4, None, 60, [100, 260]),  # a shared organ: overdue
    (2, 0, None, 90, [20, 150, 300]),  # an enterprise: fine
    (3, 1, None, 60, []),  # a stationed unit: never visited
    (0, 2, None, 90, [40, 280]),  # a social organisation: fine
    (2, None, 3, 90, [95, 320]),  # two communities (村居共建): overdue
]


def _pairings(communities, units):
    rows = []
    for c, u, partner, cadence, _visits in PAIRINGS:
        unit = units[u] if u is not None else None
        other = communities[partner] if partner is not None else None
        rows.append(
            {"community_id": communities[c].pk, "unit_id": unit.pk if unit else None,
             "partner_community_id": other.pk if other else None,
             "mode": Pairing.mode_for(unit=unit, partner_community=other), "programme": "",
             "started_on": datetime.date(2019, 3, 1), "ended_on": None,
             "agreement_signed_on": datetime.date(2019, 3, 1), "visit_cadence_days": cadence,
             "status": Pairing.Status.ACTIVE, "note": "示例结对"}
        )  # fmt: skip
    synced = _sync(Pairing, ["community_id", "unit_id", "partner_community_id"], rows)
    return [
        (pairing, visits)
        for pairing, (*_, visits) in zip(synced.values(), PAIRINGS, strict=True)
    ]


#: Last year's visits of every pairing visited this year (the finalised year's figures).
LAST_YEAR_VISITS = [(4, 10), (9, 20)]


def _visits(pairings):
    last_year = timezone.localdate().year - 1
    dates = [
        (pairing, day)
        for pairing, days_ago in pairings if days_ago
        for day in [_visit_day(d) for d in days_ago]
        + [datetime.date(last_year, *md) for md in LAST_YEAR_VISITS]
    ]  # fmt: skip
    rows = [
        {"pairing_id": pairing.pk, "visited_on": day, "channel": Visit.Channel.ONSITE,
         "visitors": "示例走访小组", "households_visited": 3,
         "activities": "示例走访：慰问困难群众，了解社区需求。", "follow_up": "",
         "services": ["door", "know", "warm"]}
        for pairing, day in dates
    ]  # fmt: skip
    _sync(Visit, ["pairing_id", "visited_on"], rows)


def _meeting(council, spec, year):
    held_on = datetime.date(year, *spec["meeting_day"])
    meeting = JointMeeting.objects.filter(council=council, held_on=held_on).first()
    if meeting is None:
        meeting = JointMeeting.objects.create(
            council=council,
            title=f"{year}年“{council.network_name}”区域化党建联席会议",
            held_on=held_on,
            venue=council.name,
        )
    return meeting


#: Last year's projects (community, category, theme, adopter), all completed; this year:
#: two renewals of them, two new ones (the second with two seats) and one still open.
LAST_YEAR = [
    (0, Category.CARE_AID, "困难家庭结对帮扶", 3),
    (1, Category.CONSTRUCTION, "楼道照明更新", 0),
    (2, Category.CULTURE, "乡村书屋", 4),
]
THIS_YEAR_NEW = [
    (3, Category.BEAUTIFUL_HOME, "口袋公园", [1], Project.Status.IN_PROGRESS),
    (0, Category.CONVENIENCE, "便民理发", [2, 0], Project.Status.ADOPTED),
    (1, Category.SERVICE_SUPPORT, "防诈骗宣传", [], Project.Status.OPEN),
]
RENEWED = (0, 2)  # which of last year's projects go on this year


def _projects(council, spec, communities, units):
    this_year = timezone.localdate().year
    last_meeting = _meeting(council, spec, this_year - 1)
    meeting = _meeting(council, spec, this_year)
    prefix = council.name[:2]

    def project(title, year, community, category, status, **extra):
        obj, _ = Project.objects.get_or_create(
            title=f"{prefix}示例项目：{title}",
            year=year,
            community=community,
            defaults={"category": category, "status": status,
                      "description": f"示例数据：{council.name}{title}。", **extra},
        )  # fmt: skip
        return obj

    made = []
    earlier = []
    for c, category, title, adopter in LAST_YEAR:
        obj = project(title, this_year - 1, communities[c], category, Project.Status.COMPLETED)
        adoption = _attach(obj, units[adopter], last_meeting, "结对共建，认领实施")
        earlier.append((obj, adoption))
        made.append(obj)
    for n in RENEWED:
        old, old_adoption = earlier[n]
        obj = project(old.title.split("：", 1)[1], this_year, old.community, old.category,
                      Project.Status.IN_PROGRESS, previous=old)  # fmt: skip
        if old_adoption:
            _attach(obj, old_adoption.unit, meeting, "继续结对，续认领实施",
                    kind=Adoption.Kind.RENEWAL, renewal_of=old_adoption)  # fmt: skip
        made.append(obj)
    for c, category, title, adopters, status in THIS_YEAR_NEW:
        capacity = max(1, len(adopters))
        obj = project(title, this_year, communities[c], category, status, capacity=capacity)
        for u in adopters:
            _attach(obj, units[u], meeting, "结对共建，认领实施")
        made.append(obj)
    return made


def _needs(communities, projects):
    S = Need.Status
    rows = [
        ("示例：困难家庭希望有人定期上门看看。", 0, Category.CARE_AID, S.ACCEPTED, projects[0]),
        ("示例：小区空地杂乱，希望建个小公园。", 3, Category.BEAUTIFUL_HOME, S.ACCEPTED, projects[5]),
        ("示例：希望有老年人防诈骗讲座。", 1, Category.SERVICE_SUPPORT, S.PENDING, None),
        ("示例：村里路灯坏了好几盏，希望修一修。", 2, Category.CONSTRUCTION, S.PENDING, None),
        ("示例：希望在小区建一个游泳池。", 1, Category.BEAUTIFUL_HOME, S.DECLINED, None),
    ]
    for n, (text, c, category, status, project) in enumerate(rows):
        community = communities[c]
        Need.objects.get_or_create(
            text=text,
            community=community,
            defaults={"category": category, "status": status, "project": project,
                      "reply": "感谢您的建议，我们会另行研究。" if status == S.DECLINED else "",
                      "contact_name": "示例居民", "contact_phone": f"139{n:08d}",
                      "reviewed_at": None if status == S.PENDING else timezone.now()},
        )  # fmt: skip


def _contributions(council, office, pairings, funds_step):
    """What the adopters put in (last year's confirmed, this year's mostly awaiting the
    office) and goods given on visits. Once per council."""
    if Contribution.objects.filter(council=council).exists():
        return
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    adoptions = Adoption.objects.filter(project__council=council).select_related("project")
    for n, adoption in enumerate(adoptions.order_by("id")):
        year = adoption.project.year
        day = min(datetime.date(year, 6, 1 + n), today)
        rows.append(Contribution(unit_id=adoption.unit_id, project_id=adoption.project_id,
                                 kind="funds", amount=Decimal(funds_step * (n % 4 + 1)),
                                 contributed_on=day, note="（示例）"))  # fmt: skip
        rows.append(Contribution(unit_id=adoption.unit_id, project_id=adoption.project_id,
                                 kind="volunteer_hours", people=6 + n, hours=Decimal(3 * (6 + n)),
                                 contributed_on=day, note="（示例）"))  # fmt: skip
    for pairing, _visits in pairings:
        for visit in Visit.objects.filter(pairing=pairing, pairing__unit__isnull=False)[:2]:
            rows.append(Contribution(unit_id=pairing.unit_id, pairing_id=pairing.pk, kind="goods",
                                     description="慰问米油", amount=Decimal(800),
                                     contributed_on=visit.visited_on, note="走访时送去（示例）"))  # fmt: skip
    for n, row in enumerate(rows):
        row.council = council
        if row.contributed_on.year < today.year or n % 3 != 2:
            row.status = Contribution.Status.CONFIRMED
            row.confirmed_at, row.confirmed_by = now, office
    bulk_create_with_history(rows, Contribution, batch_size=500, default_user=office)


def _finalise(council, office):
    """Last year's assessment, finalised once: a snapshot of each member's figures, some
    rated (what the council's office does at the year's end)."""
    year = timezone.localdate().year - 1
    if AssessmentFinalisation.objects.filter(council=council, year=year).exists():
        return
    unit_ids = list(
        Membership.objects.filter(council=council, joined_year__lte=year)
        .order_by("unit_id")
        .values_list("unit_id", flat=True)
    )
    figures = compute_figures(year, unit_ids)
    now = timezone.now()
    ratings = ["excellent", "good", "good", "pass", ""]
    bulk_create_with_history(
        [
            AnnualAssessment(council=council, unit_id=unit_id, year=year,
                             figures=figures[unit_id], rating=ratings[n % len(ratings)],
                             finalised_at=now, finalised_by=office)
            for n, unit_id in enumerate(unit_ids)
        ],
        AnnualAssessment,
        default_user=office,
    )  # fmt: skip
    AssessmentFinalisation.objects.create(
        council=council, year=year, finalised_by=office, unit_count=len(unit_ids)
    )
