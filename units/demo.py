"""Demo data for the registry: every fact in the article, the rest clearly marked as samples.

Safe to run again: rows are found by their natural key (a name, or a pairing's two sides)
and only saved when something differs, so a second run changes nothing and creates no
history records. New rows are created in bulk (with their history) to stay fast.
"""

import datetime

from django.contrib.auth import get_user_model
from simple_history.utils import bulk_create_with_history

from .models import FOUNDING_YEAR, Community, District, MemberUnit, Pairing, PartyBranch, Visit

DEMO_PASSWORD = "zhujing-demo-2026"

DISTRICTS = [
    ("城南", District.Kind.COMMUNITY),
    ("城东", District.Kind.COMMUNITY),
    ("城西", District.Kind.COMMUNITY),
    ("东片", District.Kind.RURAL),
    ("西片", District.Kind.RURAL),
]
URBAN = ["城南", "城东", "城西"]
RURAL = ["东片", "西片"]

# The article's communities.
WANLIAN = "万联村"
WULONG = "五龙村"
NANWEI = "南圩居民区"
ZHONGLOU = "钟楼居委会"
ARTICLE_COMMUNITIES = [
    (WANLIAN, Community.Kind.VILLAGE, "东片"),
    (WULONG, Community.Kind.VILLAGE, "西片"),
    (NANWEI, Community.Kind.RESIDENTIAL, "城南"),
    (ZHONGLOU, Community.Kind.RESIDENTIAL, "城西"),
]
SAMPLE_VILLAGES = 20
SAMPLE_RESIDENTIAL = 21

# The article's member units.
CAIZHENG = "金山区财政局"
FATING = "朱泾法庭"
GONGLU = "金山公路建设有限公司"
SINOPEC = "中石化上海工程公司"
ARTICLE_UNITS = [
    # name, category, level, district, liaison name
    (CAIZHENG, MemberUnit.Category.ORGAN, MemberUnit.Level.DISTRICT, None, "财政局联络员（示例）"),
    (FATING, MemberUnit.Category.STATIONED, "", "城南", "法庭联络员（示例）"),
    (GONGLU, MemberUnit.Category.ENTERPRISE, "", "城西", "公路公司联络员（示例）"),
    (SINOPEC, MemberUnit.Category.STATIONED, "", "西片", "中石化联络员（示例）"),
]
# 74 organs and 69 other units, 143 in all (the article's figures).
SAMPLE_UNITS = [
    # prefix, count, category, level
    ("示例市级机关", 10, MemberUnit.Category.ORGAN, MemberUnit.Level.CITY),
    ("示例区级机关", 63, MemberUnit.Category.ORGAN, MemberUnit.Level.DISTRICT),
    ("示例辖区单位", 26, MemberUnit.Category.STATIONED, ""),
    ("示例新经济组织", 25, MemberUnit.Category.ENTERPRISE, ""),
    ("示例新社会组织", 15, MemberUnit.Category.SOCIAL_ORG, ""),
]
FOUNDING_MEMBERS = 22
LATEST_JOIN_YEAR = 2017  # the network's 20th anniversary

CADENCES = [30, 60, 90]


def load(stdout):
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
        for i, (name, kind) in enumerate(DISTRICTS, start=1)
    ]
    synced = _sync(District, ["name"], rows)
    return {key[0]: obj for key, obj in synced.items()}


def _load_communities(districts):
    rows = [
        {"name": name, "kind": kind, "district_id": districts[d].pk, "is_active": True}
        for name, kind, d in ARTICLE_COMMUNITIES
    ]
    for i in range(1, SAMPLE_VILLAGES + 1):
        rows.append(
            {
                "name": f"示例村{i:02d}",
                "kind": Community.Kind.VILLAGE,
                "district_id": districts[RURAL[i % 2]].pk,
                "is_active": True,
            }
        )
    for i in range(1, SAMPLE_RESIDENTIAL + 1):
        rows.append(
            {
                "name": f"示例居民区{i:02d}",
                "kind": Community.Kind.RESIDENTIAL,
                "district_id": districts[URBAN[i % 3]].pk,
                "is_active": True,
            }
        )
    synced = _sync(Community, ["name"], rows)
    return {key[0]: obj for key, obj in synced.items()}


# --- Member units ---------------------------------------------------------------------------


def _join_years(count):
    """22 founding members in 1997, the rest joining year by year up to 2017."""
    years = [FOUNDING_YEAR] * FOUNDING_MEMBERS
    later = count - FOUNDING_MEMBERS
    span = LATEST_JOIN_YEAR - FOUNDING_YEAR
    for i in range(later):
        years.append(FOUNDING_YEAR + 1 + (i * span) // later)
    return years


def _party_org(name, category):
    if category == MemberUnit.Category.ORGAN:
        return f"{name}机关党委"
    return f"{name}党支部"


def _load_units(districts):
    specs = []
    for name, category, level, district, liaison in ARTICLE_UNITS:
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
    return {key[0]: obj for key, obj in synced.items()}


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
            note="双百结对：区财政局连续走访慰问村里的困难党员和群众，资助修路专项资金。",
        ),
        _pairing_row(
            communities[NANWEI],
            units[FATING],
            cadence=60,
            note="“法治大讲堂”与社区法律诊所（南圩居民区“一居一品”特色品牌）。",
        ),
        _pairing_row(
            communities[ZHONGLOU],
            units[GONGLU],
            cadence=60,
            note="帮助辖区老式小区铺石修路，被居民称为“小区美容师”。",
        ),
        _pairing_row(
            communities[WULONG],
            units[SINOPEC],
            cadence=90,
            note="拨付专款为爱五路实施亮灯工程。",
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
            "visited_on": datetime.date(2026, 1, 20),
            "channel": Visit.Channel.ONSITE,
            "visitors": "区财政局党员代表",
            "households_visited": 12,
            "activities": "走访慰问万联村困难党员和群众，送去慰问品。",
            "follow_up": "",
        },
        {
            "pairing_id": by_sides[(WANLIAN, CAIZHENG)].pk,
            "visited_on": datetime.date(2026, 4, 15),
            "channel": Visit.Channel.ONSITE,
            "visitors": "区财政局党员代表",
            "households_visited": 0,
            "activities": "了解万联村修筑道路资金短缺情况，及时资助专项资金解决困难。",
            "follow_up": "跟进道路施工进度。",
        },
        {
            "pairing_id": by_sides[(NANWEI, FATING)].pk,
            "visited_on": datetime.date(2026, 5, 10),
            "channel": Visit.Channel.ONSITE,
            "visitors": "朱泾法庭法官",
            "households_visited": 0,
            "activities": "开展“法治大讲堂”，社区法律诊所接待居民咨询。",
            "follow_up": "",
        },
        {
            "pairing_id": by_sides[(ZHONGLOU, GONGLU)].pk,
            "visited_on": datetime.date(2026, 6, 3),
            "channel": Visit.Channel.ELECTRONIC,
            "visitors": "公路公司党支部",
            "households_visited": 0,
            "activities": "电子走访：了解老式小区铺石修路后的居民反馈。",
            "follow_up": "",
        },
        {
            "pairing_id": by_sides[(WULONG, SINOPEC)].pk,
            "visited_on": datetime.date(2026, 7, 8),
            "channel": Visit.Channel.ONSITE,
            "visitors": "中石化上海工程公司党员",
            "households_visited": 5,
            "activities": "查看爱五路亮灯工程，走访沿路村民。",
            "follow_up": "",
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
                "visited_on": datetime.date(2026, 1 + i % 11, 1 + (i * 7) % 28),
                "channel": Visit.Channel.ELECTRONIC if electronic else Visit.Channel.ONSITE,
                "visitors": "示例走访小组",
                "households_visited": 0 if electronic else 2 + i % 5,
                "activities": "示例走访：电话了解群众需求。" if electronic else "示例走访：慰问困难群众。",
                "follow_up": "",
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
    User = get_user_model()
    people = [
        ("office", {"is_staff": True, "is_superuser": True, "unit": None,
                    "display_name": "党建办（示例）"}, "office staff (党建办)"),
        ("caizheng", {"is_staff": False, "is_superuser": False, "unit": units[CAIZHENG],
                      "display_name": "财政局联络员（示例）"}, f"liaison of {CAIZHENG}"),
        ("fating", {"is_staff": False, "is_superuser": False, "unit": units[FATING],
                    "display_name": "法庭联络员（示例）"}, f"liaison of {FATING}"),
    ]
    logins = []
    for username, fields, role in people:
        user = User.objects.filter(username=username).first() or User(username=username)
        changed = user.pk is None
        for field, value in fields.items():
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed = True
        if not user.is_active:
            user.is_active = True
            changed = True
        if user.pk is None or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed = True
        if changed:
            user.save()
        logins.append((username, DEMO_PASSWORD, role))
    return logins
