"""Demo data: every fact in the article (from ``demo.article``), the rest clearly marked as samples.

Safe to run again: rows are found by their natural key (a name, or a pairing's two sides)
and only saved when something differs, so a second run changes nothing and creates no
history records. New rows are created in bulk (with their history) to stay fast.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from projects import actions
from projects.models import (
    Adoption,
    Category,
    JointMeeting,
    Milestone,
    Need,
    ProgressPhoto,
    ProgressUpdate,
    Project,
    RenewalProposal,
)
from units.models import (
    FOUNDING_YEAR,
    Community,
    District,
    MemberUnit,
    Membership,
    Pairing,
    PartyBranch,
    Visit,
    current_council_id,
)

from . import article, pictures, resources

DEMO_PASSWORD = "zhujing-demo-2026"

URBAN = [name for name, kind in article.DISTRICTS if kind == "community"]
RURAL = [name for name, kind in article.DISTRICTS if kind == "rural"]

WANLIAN, WULONG, NANWEI, ZHONGLOU = (
    article.WANLIAN, article.WULONG, article.NANWEI, article.ZHONGLOU
)
CAIZHENG, FATING, GONGLU, SINOPEC = (
    article.CAIZHENG, article.FATING, article.GONGLU, article.SINOPEC
)
NOTES = {(community, unit): note for community, unit, note in article.PAIRINGS}
SAMPLE_VILLAGES = 20
SAMPLE_RESIDENTIAL = 21

# 74 organs and 69 other units, 143 in all (the article's figures).
SAMPLE_UNITS = [
    # prefix, count, category, level
    ("示例市级机关", 10, MemberUnit.Category.ORGAN, MemberUnit.Level.CITY),
    ("示例区级机关", 63, MemberUnit.Category.ORGAN, MemberUnit.Level.DISTRICT),
    ("示例辖区单位", 26, MemberUnit.Category.STATIONED, ""),
    ("示例新经济组织", 25, MemberUnit.Category.ENTERPRISE, ""),
    ("示例新社会组织", 15, MemberUnit.Category.SOCIAL_ORG, ""),
]

CADENCES = [30, 60, 90]


def load(stdout):
    """Load everything: the registry, then the board and the meetings. Returns the logins."""
    logins = load_registry(stdout)
    load_projects(stdout)
    load_meetings(stdout)
    load_progress(stdout)
    resources.load_resources(stdout, office=get_user_model().objects.get(username="office"))
    return logins


def load_registry(stdout):
    """Create or update the demo registry. Returns [(username, password, role)]."""
    districts = _load_districts()
    communities = _load_communities(districts)
    units = _load_units(districts)
    pairings = _load_pairings(communities, units)
    _load_visits(pairings)
    _load_branches(communities, units)
    logins = _load_users(units)
    stdout.write(
        f"Registry: {len(districts)} districts, {len(communities)} communities, "
        f"{len(units)} member units, {len(pairings)} pairings."
    )
    return logins


# --- Helpers ----------------------------------------------------------------------------


def _sync(model, key_fields, rows):
    """Make the rows exist: create missing ones in bulk, save only those that differ.

    ``rows`` are dicts of field attnames (``district_id``, not ``district``); the rows'
    ``key_fields`` identify them. Returns {key: instance} for the given rows.
    """

    def key_of(values):
        if isinstance(values, dict):
            return tuple(values[f] for f in key_fields)
        return tuple(getattr(values, f) for f in key_fields)

    wanted = {key_of(row): row for row in rows}
    existing = {}
    for obj in model.objects.all():
        existing.setdefault(key_of(obj), obj)
    missing = []
    for key, row in wanted.items():
        obj = existing.get(key)
        if obj is None:
            missing.append(model(**row))
            continue
        changed = [f for f, v in row.items() if getattr(obj, f) != v]
        if changed:
            for f in changed:
                setattr(obj, f, row[f])
            obj.save()
    if missing:
        bulk_create_with_history(missing, model, batch_size=500)
        existing = {key_of(obj): obj for obj in model.objects.all()}
    return {key: existing[key] for key in wanted}


def _sample_contact(n):
    """Obviously fake contact data."""
    return {
        "liaison_name": f"示例联络员{n:03d}",
        "liaison_phone": f"1380000{n:04d}",
        "liaison_email": f"liaison{n:03d}@example.com",
    }


# --- Districts and communities -----------------------------------------------------------


def _load_districts():
    rows = [
        {"name": name, "kind": kind, "position": i}
        for i, (name, kind) in enumerate(article.DISTRICTS, start=1)
    ]
    synced = _sync(District, ["name"], rows)
    return {key[0]: obj for key, obj in synced.items()}


def _load_communities(districts):
    rows = [
        {
            "name": name,
            "kind": kind,
            "district_id": districts[d].pk,
            "is_active": True,
            "signature_brand": article.SIGNATURE_BRANDS.get(name, ""),
        }
        for name, kind, d in article.COMMUNITIES
    ]
    for i in range(1, SAMPLE_VILLAGES + 1):
        rows.append(
            {
                "name": f"示例村{i:02d}",
                "kind": Community.Kind.VILLAGE,
                "district_id": districts[RURAL[i % 2]].pk,
                "is_active": True,
                "signature_brand": "",
            }
        )
    for i in range(1, SAMPLE_RESIDENTIAL + 1):
        rows.append(
            {
                "name": f"示例居民区{i:02d}",
                "kind": Community.Kind.RESIDENTIAL,
                "district_id": districts[URBAN[i % 3]].pk,
                "is_active": True,
                "signature_brand": "",
            }
        )
    synced = _sync(Community, ["name"], rows)
    return {key[0]: obj for key, obj in synced.items()}


# --- Member units ---------------------------------------------------------------------------


def _join_years(count):
    """22 founding members in 1997, the rest joining year by year up to 2017."""
    years = [FOUNDING_YEAR] * article.FOUNDING_MEMBERS
    later = count - article.FOUNDING_MEMBERS
    span = article.LATEST_JOIN_YEAR - FOUNDING_YEAR
    for i in range(later):
        years.append(FOUNDING_YEAR + 1 + (i * span) // later)
    return years


def _party_org(name, category):
    if category == MemberUnit.Category.ORGAN:
        return f"{name}机关党委"
    return f"{name}党支部"


def _load_units(districts):
    specs = []
    for name, category, level, district, liaison in article.UNITS:
        specs.append(
            {
                "name": name,
                "category": category,
                "level": level,
                "district_id": districts[district].pk if district else None,
                "liaison_name": liaison,
                "liaison_phone": "",
                "liaison_email": "",
            }
        )
    n = 0
    district_names = URBAN + RURAL
    for prefix, count, category, level in SAMPLE_UNITS:
        for i in range(1, count + 1):
            n += 1
            has_district = category != MemberUnit.Category.ORGAN or level == ""
            specs.append(
                {
                    "name": f"{prefix}{i:02d}",
                    "category": category,
                    "level": level,
                    "district_id": (
                        districts[district_names[n % 5]].pk if has_district else None
                    ),
                    **_sample_contact(n),
                }
            )
    # Founding members first: the article's units, then organs, then the others, so
    # that membership grows year by year from 22 to 143.
    years = _join_years(len(specs))
    rows = []
    for spec, year in zip(specs, _spread_founders(specs, years), strict=True):
        rows.append(
            {
                **spec,
                "party_org_name": _party_org(spec["name"], spec["category"]),
                "joined_year": year,
                "is_active": True,
                "left_on": None,
            }
        )
    synced = _sync(MemberUnit, ["name"], rows)
    units = {key[0]: obj for key, obj in synced.items()}
    _load_memberships(units.values())
    return units


def _load_memberships(units):
    """Each unit is a member of the council being loaded, from its joining year."""
    council_id = current_council_id()
    rows = [
        {
            "unit_id": unit.pk,
            "council_id": council_id,
            "district_id": unit.district_id,
            "joined_year": unit.joined_year,
            "is_active": unit.is_active,
            "left_on": unit.left_on,
        }
        for unit in units
    ]
    _sync(Membership, ["unit_id", "council_id"], rows)


def _spread_founders(specs, years):
    """Give every other early unit a founding year so founders mix organs and others."""
    order = sorted(range(len(specs)), key=lambda i: (i >= 4, i % 6 != 0, i))
    result = [None] * len(specs)
    for year, index in zip(years, order, strict=True):
        result[index] = year
    return result


# --- Pairings and visits --------------------------------------------------------------------


def _pairing_row(community, unit=None, partner=None, **extra):
    mode = Pairing.mode_for(unit=unit, partner_community=partner)
    return {
        "community_id": community.pk,
        "unit_id": unit.pk if unit else None,
        "partner_community_id": partner.pk if partner else None,
        "mode": mode,
        "programme": extra.get("programme", ""),
        "started_on": extra.get("started_on", datetime.date(2018, 3, 1)),
        "ended_on": extra.get("ended_on"),
        "agreement_signed_on": extra.get("agreement_signed_on"),
        "visit_cadence_days": extra.get("cadence", 90),
        "status": Pairing.Status.ENDED if extra.get("ended_on") else Pairing.Status.ACTIVE,
        "note": extra.get("note", ""),
    }


def _load_pairings(communities, units):
    double_hundred = Pairing.Programme.DOUBLE_HUNDRED
    urban_rural = Pairing.Programme.URBAN_RURAL
    rows = [
        _pairing_row(
            communities[WANLIAN],
            units[CAIZHENG],
            programme=double_hundred,
            started_on=datetime.date(2016, 4, 1),
            agreement_signed_on=datetime.date(2016, 4, 1),
            cadence=30,
            note=NOTES[(WANLIAN, CAIZHENG)],
        ),
        _pairing_row(
            communities[NANWEI],
            units[FATING],
            cadence=60,
            note=NOTES[(NANWEI, FATING)],
        ),
        _pairing_row(
            communities[ZHONGLOU],
            units[GONGLU],
            cadence=60,
            note=NOTES[(ZHONGLOU, GONGLU)],
        ),
        _pairing_row(
            communities[WULONG],
            units[SINOPEC],
            cadence=90,
            note=NOTES[(WULONG, SINOPEC)],
        ),
    ]
    samples_c = sorted(
        (c for name, c in communities.items() if name.startswith("示例")), key=lambda c: c.name
    )
    samples_u = sorted(
        (u for name, u in units.items() if name.startswith("示例")), key=lambda u: u.name
    )
    villages = [c for c in samples_c if c.kind == Community.Kind.VILLAGE]
    residential = [c for c in samples_c if c.kind == Community.Kind.RESIDENTIAL]
    step = 3  # spread the sample pairings over all unit categories
    for i, community in enumerate(samples_c):
        unit = samples_u[(i * step) % len(samples_u)]
        is_village = community.kind == Community.Kind.VILLAGE
        programme = double_hundred if is_village and i % 3 == 0 else ""
        started_on = datetime.date(2010 + i % 12, 1 + i % 12, 1)
        rows.append(
            _pairing_row(
                community,
                unit,
                programme=programme,
                started_on=started_on,
                agreement_signed_on=started_on if programme else None,
                cadence=CADENCES[i % 3],
            )
        )
    for i, community in enumerate(samples_c[:24]):
        unit = samples_u[(i * step + 1) % len(samples_u)]
        ended = datetime.date(2024, 12, 31) if i in (5, 17) else None
        rows.append(
            _pairing_row(
                community,
                unit,
                started_on=datetime.date(2015 + i % 8, 6, 1),
                ended_on=ended,
                cadence=CADENCES[(i + 1) % 3],
            )
        )
    # 城乡结对: villages with residential areas, village–community co-building.
    for i in range(8):
        rows.append(
            _pairing_row(
                villages[i],
                partner=residential[i],
                programme=urban_rural,
                started_on=datetime.date(2019, 7, 1),
                agreement_signed_on=datetime.date(2019, 7, 1),
                cadence=CADENCES[i % 3],
            )
        )
    synced = _sync(Pairing, ["community_id", "unit_id", "partner_community_id"], rows)
    return list(synced.values())


#: The 五百 services sample visits gave (several per visit, as the "六诊" method asks).
SAMPLE_SERVICES = [["door", "know"], ["door", "warm"], ["know", "help"], ["help", "solve", "warm"]]


def _visit_day(days_ago):
    """A visit date counted back from the first of this month (stable within a month)."""
    return timezone.localdate().replace(day=1) - datetime.timedelta(days=days_ago)


def _load_visits(pairings):
    pairings = list(
        Pairing.objects.filter(pk__in=[p.pk for p in pairings]).select_related(
            "community", "unit", "partner_community"
        )
    )
    by_sides = {(p.community.name, p.counterpart.name): p for p in pairings}
    rows = [
        {
            "pairing_id": by_sides[(WANLIAN, CAIZHENG)].pk,
            "visited_on": _visit_day(300),
            "channel": Visit.Channel.ONSITE,
            "visitors": "区财政局党员代表",
            "households_visited": 12,
            "activities": "走访慰问万联村困难党员和群众，送去慰问品。",
            "follow_up": "",
            "services": ["door", "know", "warm"],
        },
        {
            "pairing_id": by_sides[(WANLIAN, CAIZHENG)].pk,
            "visited_on": _visit_day(215),
            "channel": Visit.Channel.ONSITE,
            "visitors": "区财政局党员代表",
            "households_visited": 0,
            "activities": "了解万联村修筑道路资金短缺情况，及时资助专项资金解决困难。",
            "follow_up": "跟进道路施工进度。",
            "services": ["know", "help", "solve"],
        },
        {
            "pairing_id": by_sides[(NANWEI, FATING)].pk,
            "visited_on": _visit_day(190),
            "channel": Visit.Channel.ONSITE,
            "visitors": "朱泾法庭法官",
            "households_visited": 0,
            "activities": "开展“法治大讲堂”，社区法律诊所接待居民咨询。",
            "follow_up": "",
            "services": ["help", "solve"],
        },
        {
            "pairing_id": by_sides[(ZHONGLOU, GONGLU)].pk,
            "visited_on": _visit_day(160),
            "channel": Visit.Channel.ELECTRONIC,
            "visitors": "公路公司党支部",
            "households_visited": 0,
            "activities": "电子走访：了解老式小区铺石修路后的居民反馈。",
            "follow_up": "",
            "services": ["know"],
        },
        {
            "pairing_id": by_sides[(WULONG, SINOPEC)].pk,
            "visited_on": _visit_day(125),
            "channel": Visit.Channel.ONSITE,
            "visitors": "中石化上海工程公司党员",
            "households_visited": 5,
            "activities": "查看爱五路亮灯工程，走访沿路村民。",
            "follow_up": "",
            "services": ["door", "know", "warm"],
        },
    ]
    samples = sorted(
        (p for p in pairings if p.community.name.startswith("示例") and p.status == "active"),
        key=lambda p: (p.community.name, p.pk),
    )
    for i, pairing in enumerate(samples[:40]):
        electronic = i % 3 == 0
        rows.append(
            {
                "pairing_id": pairing.pk,
                "visited_on": _visit_day(5 + (i * 37) % 320),
                "channel": Visit.Channel.ELECTRONIC if electronic else Visit.Channel.ONSITE,
                "visitors": "示例走访小组",
                "households_visited": 0 if electronic else 2 + i % 5,
                "activities": "示例走访：电话了解群众需求。" if electronic else "示例走访：慰问困难群众。",
                "follow_up": "",
                "services": ["know"] if electronic else SAMPLE_SERVICES[i % len(SAMPLE_SERVICES)],
            }
        )
    _sync(Visit, ["pairing_id", "visited_on"], rows)


# --- Party branches ----------------------------------------------------------------------------


def _load_branches(communities, units):
    kinds = PartyBranch.Kind
    rows = []

    def add(name, kind, community=None, unit=None):
        rows.append(
            {
                "name": name,
                "kind": kind,
                "community_id": community.pk if community else None,
                "unit_id": unit.pk if unit else None,
                "established_on": datetime.date(2015, 7, 1),
                "is_active": True,
            }
        )

    for i in range(1, 6):
        village = communities[f"示例村{i:02d}"]
        add(f"示例村{i:02d}田头党支部", kinds.FIELD, community=village)
        area = communities[f"示例居民区{i:02d}"]
        add(f"示例居民区{i:02d}网格党支部", kinds.GRID, community=area)
        enterprise = units[f"示例新经济组织{i:02d}"]
        add(f"示例新经济组织{i:02d}车间党支部", kinds.WORKSHOP, unit=enterprise)
        organ = units[f"示例区级机关{i:02d}"]
        add(f"示例区级机关{i:02d}窗口党支部", kinds.SERVICE_WINDOW, unit=organ)
    _sync(PartyBranch, ["name"], rows)


# --- Logins ---------------------------------------------------------------------------------------


def _load_users(units):
    people = [
        ("office", {"is_staff": True, "is_superuser": True, "unit": None,
                    "council_id": current_council_id(),
                    "display_name": "党建办（示例）"}, "office staff (党建办)"),
        ("caizheng", {"is_staff": False, "is_superuser": False, "unit": units[CAIZHENG],
                      "display_name": "财政局联络员（示例）"}, f"liaison of {CAIZHENG}"),
        ("fating", {"is_staff": False, "is_superuser": False, "unit": units[FATING],
                    "display_name": "法庭联络员（示例）"}, f"liaison of {FATING}"),
    ]
    return [demo_login(username, fields, role) for username, fields, role in people]


def demo_login(username, fields, role):
    """Make the login exist, active, with ``fields`` and the demo password; saved only when
    something differs. Returns (username, password, role) for the list of logins."""
    User = get_user_model()
    user = User.objects.filter(username=username).first() or User(username=username)
    changed = user.pk is None
    for field, value in {**fields, "is_active": True}.items():
        if getattr(user, field) != value:
            setattr(user, field, value)
            changed = True
    if user.pk is None or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed = True
    if changed:
        user.save()
    return (username, DEMO_PASSWORD, role)


# === The project board ===


# --- Projects and needs -------------------------------------------------------------


def load_projects(stdout):
    """The article's projects, key-works projects, ~100 samples with milestones, and needs.

    Statuses are set here; ``load_meetings`` attaches adoptions to projects that are
    adopted / in progress / completed and have none.
    """
    today = timezone.localdate()
    this_year = today.year
    S = Project.Status
    communities = _demo_communities()
    for name, category, level, _district, _liaison in article.UNITS:
        _demo_unit(name, category, level)

    def project(title, year, community, category, status, description, **extra):
        obj, created = Project.objects.get_or_create(
            title=title,
            year=year,
            defaults={
                "community": community,
                "category": category,
                "status": status,
                "description": description,
                **extra,
            },
        )
        return obj

    def milestones(obj, steps):
        for title, due_on, done_on in steps:
            Milestone.objects.get_or_create(
                project=obj, title=title, defaults={"due_on": due_on, "done_on": done_on}
            )

    def done_steps(year):
        return [
            ("需求调研", datetime.date(year, 1, 15), datetime.date(year, 1, 12)),
            ("方案确定", datetime.date(year, 3, 31), datetime.date(year, 3, 28)),
            ("实施完成", datetime.date(year, 9, 30), datetime.date(year, 9, 20)),
        ]

    wanlian, wulong = communities[WANLIAN], communities[WULONG]
    nanwei, zhonglou = communities[NANWEI], communities[ZHONGLOU]
    by_title = {}
    for (title, year, place, category, status, key_works, _adopter, _commitment,
         description) in article.PROJECTS:
        obj = project(title, year, communities[place], category, status, description,
                      key_works=key_works)
        by_title[title] = obj
        if status == S.COMPLETED:
            milestones(obj, done_steps(year))
        else:
            milestones(obj, done_steps(year)[:2] + [
                ("实施完成", datetime.date(year, 12, 31), None)
            ])
    sign_project, sign_title, sign_day = article.COMMEMORATIVE_SIGN
    milestones(by_title[sign_project], [(sign_title, sign_day, sign_day)])
    # 法治大讲堂 went on a second year: a renewal chain.
    lecture = project(
        "法治大讲堂", 2018, nanwei, Category.SERVICE_SUPPORT, S.COMPLETED,
        "法治大讲堂第二年：增加青少年普法和老年人防诈骗专题。",
        previous=by_title["法治大讲堂"],
    )
    milestones(lecture, done_steps(2018))

    # This year's projects, open for adoption at the joint meeting.
    for title, community, category, description in [
        ("老年助餐点", nanwei, Category.CARE_AID, "为社区高龄独居老人提供午间助餐服务。"),
        ("非机动车充电桩", zhonglou, Category.CONVENIENCE, "老旧小区加装一排非机动车充电桩，消除飞线充电隐患。"),
        ("村口凉亭", wanlian, Category.BEAUTIFUL_HOME, "在村口建一座凉亭，方便村民休憩纳凉。"),
        ("停车棚改造", zhonglou, Category.CONSTRUCTION, "改造破旧停车棚，增加车位和照明。"),
        ("一次义诊", wulong, Category.CARE_AID, "组织医务人员到村开展义诊，送医送药上门。"),
        ("一堂讲座", nanwei, Category.CULTURE, "邀请专家为居民开展健康养生讲座。"),
    ]:
        obj = project(title, this_year, community, category, S.OPEN, description)
        milestones(obj, [("方案确定", datetime.date(this_year, 12, 31), None)])

    samples = _sample_projects(this_year)
    # Samples spread over every active community the registry has (at least the article's).

    community_list = list(Community.objects.filter(is_active=True).order_by("id"))
    created_samples = []
    for i, (title, category, status, year, description) in enumerate(samples):
        obj = project(title, year, community_list[i % len(community_list)], category, status,
                      description)
        created_samples.append(obj)
        if status in (S.COMPLETED,):
            milestones(obj, done_steps(year))
        elif status == S.IN_PROGRESS:
            milestones(obj, [
                ("需求调研", today - datetime.timedelta(days=120), today - datetime.timedelta(days=118)),
                ("采购与施工", today - datetime.timedelta(days=20 + i % 10), None),  # overdue
                ("验收", today + datetime.timedelta(days=60), None),
            ])
        elif status == S.ADOPTED:
            milestones(obj, [
                ("启动会", today + datetime.timedelta(days=14), None),
                ("实施完成", today + datetime.timedelta(days=180), None),
            ])

    # The 20th-anniversary meeting's 100-odd projects: renewals of the year before's, and
    # new ones, across the six categories; some take two units, so 140-odd units adopt.
    anniversary = article.MEETING_2017_DATE.year
    for i, (title, category, year, previous_title, capacity) in enumerate(
        _anniversary_projects(anniversary)
    ):
        previous = (
            Project.objects.filter(title=previous_title, year=year - 1).first()
            if previous_title
            else None
        )
        obj = project(title, year, community_list[i % len(community_list)], category,
                      S.COMPLETED, f"示例数据：{title.split('：')[1]}，{year}年联席会议认领。",
                      capacity=capacity, previous=previous)
        milestones(obj, done_steps(year))

    def need(text, community, category, status, project=None, reply="", n=0):
        obj, created = Need.objects.get_or_create(
            text=text,
            community=community,
            defaults={
                "category": category,
                "status": status,
                "project": project,
                "reply": reply,
                "contact_name": "示例居民",
                "contact_phone": f"138{n:08d}",
                "reviewed_at": None if status == Need.Status.PENDING else timezone.now(),
            },
        )
        return obj

    need("爱五路没有路灯，晚上出行不便，希望装上路灯。", wulong, Category.CONSTRUCTION,
         Need.Status.ACCEPTED, by_title["爱五路亮灯工程"], n=1)
    need("小区路面坑洼，雨天积水，希望修一修。", zhonglou, Category.CONSTRUCTION,
         Need.Status.ACCEPTED, by_title["老旧小区铺石修路"], n=2)
    need("邻里纠纷多，希望有法官来社区讲讲法律。", nanwei, Category.SERVICE_SUPPORT,
         Need.Status.ACCEPTED, by_title["法治大讲堂"], n=3)
    pending = [
        ("示例：希望楼道里装扶手，老人上下楼不方便。", zhonglou, Category.CARE_AID),
        ("示例：村里缺少健身器材，希望添置一些。", wanlian, Category.BEAUTIFUL_HOME),
        ("示例：希望每月有一次理发志愿服务。", nanwei, Category.CONVENIENCE),
        ("示例：孩子放学后没人看管，希望办个四点半课堂。", wulong, Category.CULTURE),
        ("示例：电动车乱停，希望规划停车区域。", zhonglou, Category.CONSTRUCTION),
    ]
    for i, (text, community, category) in enumerate(pending):
        need(text, community, category, Need.Status.PENDING, n=10 + i)
    for i, obj in enumerate(created_samples[:5]):
        need(f"示例：{obj.title}的需求，居民反映较多。", obj.community, obj.category,
             Need.Status.ACCEPTED, obj, n=20 + i)
    declined = [
        ("示例：希望在小区里建一个游泳池。", nanwei, Category.BEAUTIFUL_HOME,
         "感谢您的建议。小区内场地有限，暂不具备建设条件；可就近使用镇文体中心游泳馆。"),
        ("示例：希望把村里的河填平建停车场。", wanlian, Category.CONSTRUCTION,
         "感谢您的建议。河道属于防汛排涝设施，不能填埋；停车需求我们会另行研究。"),
        ("示例：希望每户发放生活补贴。", wulong, Category.CARE_AID,
         "感谢您的建议。补贴发放有统一政策，困难家庭可向村委会申请相关救助。"),
    ]
    for i, (text, community, category, reply) in enumerate(declined):
        need(text, community, category, Need.Status.DECLINED, reply=reply, n=30 + i)
    stdout.write(
        f"Projects: {Project.objects.count()}, needs: {Need.objects.count()}"
    )


def _demo_communities():
    """The article's communities, looked up by name; created if the registry lacks them."""
    found = {}
    positions = {name: (kind, i) for i, (name, kind) in enumerate(article.DISTRICTS, start=1)}
    for name, kind, district_name in article.COMMUNITIES:
        community = Community.objects.filter(name=name).first()
        if community is None:
            district_kind, position = positions[district_name]
            district, _ = District.objects.get_or_create(
                name=district_name, defaults={"kind": district_kind, "position": position}
            )
            community = Community.objects.create(name=name, kind=kind, district=district)
        found[name] = community
    return found


def _demo_unit(name, category, level):
    unit = MemberUnit.objects.filter(name=name).first()
    if unit is None:
        unit = MemberUnit.objects.create(
            name=name, category=category, level=level, joined_year=2005
        )
    return unit


_SAMPLE_THEMES = {
    "care_aid": ["困难家庭慰问", "独居老人结对关爱", "助残志愿服务", "留守儿童陪伴"],
    "convenience": ["便民理发", "家电义务维修", "代缴代办服务", "快递代收点"],
    "culture": ["广场舞队伍培训", "社区读书会", "传统节日活动", "老年大学分班"],
    "service_support": ["平安巡逻队", "社区调解室", "消防安全培训", "防诈骗宣传"],
    "construction": ["道路修缮", "雨污分流改造", "楼道照明更新", "停车位划线"],
    "beautiful_home": ["绿化补种", "垃圾分类亭", "河道保洁", "口袋公园"],
}


def _sample_projects(this_year, n=100):
    """About 100 clearly marked sample projects across the six categories and all statuses."""
    categories = list(_SAMPLE_THEMES)
    statuses = ["completed", "completed", "in_progress", "adopted", "open", "draft", "cancelled"]
    samples = []
    for i in range(n):
        category = categories[i % len(categories)]
        theme = _SAMPLE_THEMES[category][(i // len(categories)) % 4]
        status = statuses[i % len(statuses)]
        if status in ("open", "draft"):
            year = this_year
        elif status in ("adopted", "in_progress"):
            year = this_year - (i % 2)
        else:
            year = this_year - 1 - (i % 7)
        samples.append(
            (f"示例项目{i + 1:03d}：{theme}", category, status, year,
             f"示例数据：{theme}，用于演示项目看板。")
        )
    return samples


#: The 2017 samples: how many renew a 2016 project, how many are new, how many of the new
#: ones two units adopt together.
ANNIVERSARY_RENEWALS = 24
ANNIVERSARY_NEW = 72
ANNIVERSARY_PAIRS = 38


def _anniversary_projects(year):
    """(title, category, year, previous title, capacity) of the anniversary meeting's samples.

    The year before's projects come first, so the renewals find them.
    """
    categories = article.CATEGORIES
    rows = []
    for i in range(ANNIVERSARY_RENEWALS):
        category = categories[i % len(categories)]
        theme = _SAMPLE_THEMES[category][(i // len(categories)) % 4]
        before = f"示例{year - 1}项目{i + 1:03d}：{theme}"
        rows.append((before, category, year - 1, None, 1))
        rows.append((f"示例{year}项目{i + 1:03d}：{theme}", category, year, before, 1))
    for i in range(ANNIVERSARY_RENEWALS, ANNIVERSARY_RENEWALS + ANNIVERSARY_NEW):
        category = categories[i % len(categories)]
        theme = _SAMPLE_THEMES[category][(i // len(categories)) % 4]
        capacity = 2 if i - ANNIVERSARY_RENEWALS < ANNIVERSARY_PAIRS else 1
        rows.append((f"示例{year}项目{i + 1:03d}：{theme}", category, year, None, capacity))
    return rows


# --- Joint meetings, adoptions and renewals -------------------------------------------


MEETING_2017_TITLE = article.MEETING_2017_TITLE
MEETING_DATE = article.MEETING_MONTH_DAY

#: The article's adoptions: (community, title, unit, commitment).
ARTICLE_ADOPTIONS = [
    (place, title, adopter, commitment)
    for title, _year, place, _c, _s, _k, adopter, commitment, _d in article.PROJECTS
    if adopter
]

#: Demo logins whose units keep a pending renewal, so the renewal page has something to show.
DEMO_LIAISON_UNITS = ("财政局", "朱泾法庭")


def _unit(keyword):

    return (
        MemberUnit.objects.filter(name=keyword, is_active=True).first()
        or MemberUnit.objects.filter(name__contains=keyword, is_active=True).order_by("id").first()
    )


def _meeting(year, title=None, adoption_open=None):


    held_on = datetime.date(year, *MEETING_DATE)
    meeting = JointMeeting.objects.filter(council_id=current_council_id(), held_on=held_on).first()
    if meeting is None:
        meeting = JointMeeting.objects.create(
            title=title or f"{year}年“心联鑫”区域化党建联席会议",
            held_on=held_on,
            venue="朱泾镇",
            adoption_open=bool(adoption_open),
        )
    elif adoption_open is not None and meeting.adoption_open != adoption_open:
        JointMeeting.objects.filter(pk=meeting.pk).update(adoption_open=adoption_open)
        meeting.adoption_open = adoption_open
    return meeting


def _attach(project, unit, meeting, commitment="", kind="new", renewal_of=None):
    """Record a past adoption on a project already past "open", honouring capacity."""
    return actions.record_past_adoption(
        project, unit, meeting, kind=kind, commitment=commitment, renewal_of=renewal_of
    )


def _article_adoptions(meeting, stdout):
    facts = {p[0]: p for p in article.PROJECTS}
    done = 0
    for place, title, unit_name, commitment in ARTICLE_ADOPTIONS:
        unit = _unit(unit_name)
        community = Community.objects.filter(name=place).order_by("id").first()
        if unit is None or community is None:
            continue
        project = (
            Project.objects.filter(community=community, title=title).order_by("year", "id").first()
        )
        if project is None:
            _t, year, _p, category, status, key_works, _u, _c, text = facts[title]
            project = Project.objects.create(
                title=title,
                description=text,
                category=category,
                key_works=key_works,
                community=community,
                year=year,
                status=status,
            )
        if _attach(project, unit, meeting, commitment):
            done += 1
    stdout.write(f"  2017 joint meeting: {done} of the article's adoptions")


def _anniversary_adoptions(meeting, stdout):
    """Fill the anniversary year's projects, so that 140-odd units adopt at the meeting.

    The year before's projects get one unit each (from the end of the list); a project that
    renews one is carried on by that unit; every other free seat goes first to a unit
    that has adopted nothing at this meeting yet, then to units in turn.
    """
    units = list(MemberUnit.objects.active().order_by("id"))
    if not units:
        return
    year = meeting.held_on.year
    before = _meeting(year - 1)
    earlier = Project.objects.filter(
        year=year - 1, title__startswith=f"示例{year - 1}项目", adoptions__isnull=True
    ).order_by("id")
    for n, project in enumerate(earlier):
        _attach(project, units[-1 - n % len(units)], before, "结对共建，认领实施")
    projects = list(
        Project.objects.filter(year=year)
        .exclude(status__in=[Project.Status.DRAFT, Project.Status.OPEN, Project.Status.CANCELLED])
        .order_by("id")
    )
    for project in projects:
        if not project.previous_id:
            continue
        renewed = Adoption.objects.filter(project_id=project.previous_id).order_by("id").first()
        if renewed:
            _attach(project, renewed.unit, meeting, renewed.commitment, "renewal", renewed)
    adopting = set(meeting.adoptions.values_list("unit_id", flat=True))
    queue = [u for u in units if u.pk not in adopting] + units
    for project in projects:
        project.refresh_from_db(fields=["adopted_count"])
        taken = set(project.adoptions.values_list("unit_id", flat=True))
        while not project.is_full and queue:
            unit = queue.pop(0)
            if unit.pk not in taken and _attach(project, unit, meeting, "结对共建，认领实施"):
                taken.add(unit.pk)
    stdout.write(
        f"  {meeting.held_on}: {meeting.adoptions.count()} adoptions by "
        f"{meeting.adoptions.values('unit').distinct().count()} units"
    )


def _sample_adoptions(stdout, this_year):
    """Projects the board shows as adopted, in progress or completed get their adopters.

    A project renewed from an earlier one is carried on by that one's unit (a renewal);
    last year's first projects go to the demo liaisons' units, so they have renewals to
    decide at this year's meeting; the rest go to a unit paired with the community, or
    to sample units in turn.
    """
    units = list(MemberUnit.objects.active().order_by("id")[:60])
    if not units:
        return
    demo_units = [u for u in (_unit(k) for k in DEMO_LIAISON_UNITS) if u]
    demo_units = [
        u for u in demo_units if not u.adoptions.filter(meeting__held_on__year=this_year - 1)
    ]
    projects = (
        Project.objects.filter(
            status__in=[
                Project.Status.ADOPTED,
                Project.Status.IN_PROGRESS,
                Project.Status.COMPLETED,
            ],
            adoptions__isnull=True,
        )
        .select_related("community")
        .order_by("year", "id")
    )
    attached = 0
    for n, project in enumerate(projects):
        meeting = _meeting(project.year, MEETING_2017_TITLE if project.year == 2017 else None)
        earlier = (
            Adoption.objects.filter(project_id=project.previous_id).order_by("id").first()
            if project.previous_id
            else None
        )
        if earlier:
            done = _attach(
                project, earlier.unit, meeting, earlier.commitment, "renewal", earlier
            )
        else:
            if project.year == this_year - 1 and demo_units:
                unit = demo_units.pop(0)
            else:
                paired = (
                    Pairing.objects.filter(
                        community=project.community, unit__isnull=False, unit__is_active=True
                    )
                    .order_by("id")
                    .values_list("unit", flat=True)
                    .first()
                )
                unit = next((u for u in units if u.pk == paired), None) or units[n % len(units)]
            done = _attach(project, unit, meeting, "结对共建，认领实施")
        attached += bool(done)
    stdout.write(f"  sample adoptions attached to {attached} adopted projects")


def _demo_renewals(meeting, stdout):
    actions.rollover(meeting)
    keep_pending = [u.pk for u in (_unit(k) for k in DEMO_LIAISON_UNITS) if u]
    confirmed = RenewalProposal.objects.filter(
        meeting=meeting, status=RenewalProposal.Status.CONFIRMED
    ).count()
    for proposal in (
        RenewalProposal.objects.filter(meeting=meeting, status=RenewalProposal.Status.PENDING)
        .exclude(unit_id__in=keep_pending)
        .select_related("previous_adoption__project", "unit", "meeting")
        .order_by("id")[: max(0, 3 - confirmed)]
    ):
        try:
            actions.confirm_renewal(proposal, by=None, commitment="继续结对，续认领实施")
        except actions.AdoptionError:
            continue
    total = RenewalProposal.objects.filter(meeting=meeting).count()
    stdout.write(f"  {total} renewal proposals for this year's meeting")


def load_meetings(stdout):
    """The 20th-anniversary meeting with the article's adoptions and its 100-odd projects,
    past years' adopters, and this year's meeting with adoption open and a few renewals.
    Safe to run again; whatever the registry or the board has not loaded is skipped."""
    this_year = timezone.localdate().year
    meeting_2017 = _meeting(article.MEETING_2017_DATE.year, MEETING_2017_TITLE)
    _article_adoptions(meeting_2017, stdout)
    _anniversary_adoptions(meeting_2017, stdout)
    _sample_adoptions(stdout, this_year)
    meeting = _meeting(
        this_year, f"{this_year}年“心联鑫”区域化党建联席会议", adoption_open=True
    )
    _demo_renewals(meeting, stdout)


# --- Progress updates with photos ----------------------------------------------------------

#: Every how many of the board's adopted / in-progress / completed samples gets progress.
PROGRESS_SAMPLE_STEP = 4

PROGRESS_NOTES = {
    # stage: (note, photos, (month, day) in the project's year)
    "started": ("项目启动：结对单位与社区一起实地查看，确定实施方案。", 1, (4, 10)),
    "underway": ("实施进展：工程（活动）按计划推进，居民积极参与。", 2, (7, 15)),
    "completed": ("项目完成：已通过社区验收，居民反映良好。", 2, (9, 25)),
}


def load_progress(stdout):
    """Progress notes with Pillow-drawn photos on the article's projects and a share of
    the samples, stored through the photo field's own upload path. Safe to run again:
    a note already on a project is left alone."""
    article_titles = [p[0] for p in article.PROJECTS]
    live = [Project.Status.ADOPTED, Project.Status.IN_PROGRESS, Project.Status.COMPLETED]
    named = Project.objects.filter(title__in=article_titles, status__in=live)
    samples = Project.objects.filter(title__startswith="示例项目", status__in=live).order_by("id")
    projects = list(named.order_by("year", "id")) + list(samples)[::PROGRESS_SAMPLE_STEP]
    existing = set(
        ProgressUpdate.objects.filter(project__in=projects).values_list("project_id", "text")
    )
    added = 0
    for project in projects:
        stages = ["started"]
        if project.status != Project.Status.ADOPTED:
            stages.append("underway")
        if project.status == Project.Status.COMPLETED:
            stages.append("completed")
        for i, stage in enumerate(stages):
            text, photos, (month, day) = PROGRESS_NOTES[stage]
            if (project.pk, text) in existing:
                continue
            update = ProgressUpdate.objects.create(project=project, text=text)
            # Dated in the project's year (never in the future), not on the load's day.
            posted = timezone.make_aware(datetime.datetime(project.year, month, day, 10))
            ProgressUpdate.objects.filter(pk=update.pk).update(
                created_at=min(posted, timezone.now() - datetime.timedelta(days=len(stages) - i))
            )
            night = project.key_works == "lighting" and stage == "completed"
            for n in range(photos):
                photo = ProgressPhoto(update=update)
                picture = pictures.draw(project.category, f"{project.pk}-{stage}-{n}", night)
                photo.image.save("demo.jpg", ContentFile(picture), save=True)
            added += 1
    stdout.write(f"  progress: {added} new notes with photos on {len(projects)} projects")
