"""Demo data for the resource list (资源清单) and two-way matching (双向认领).

The article's offers come from ``article.RESOURCES``; every other resource is a sample and
says so (示例). Safe to run again: resources are keyed by (unit, title), and a need that
already has a match gets no new one.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from projects import actions, matching
from projects.models import Match, Need
from units.models import Community, District, MemberUnit, Resource, current_council_id

from . import article

#: (kind, title, measure, quantity, description) per kind: what a unit of that kind offers.
SAMPLES = {
    "venue": [
        ("会议室借用", "square_metres", 80, "单位会议室可供社区开会、办培训，需提前一周预约。"),
        ("活动室开放日", "square_metres", 120, "每月两个周六开放活动室，供居民文体活动使用。"),
    ],
    "expertise": [
        ("义诊服务", "person_times", 60, "医务人员进社区义诊，测血压、血糖，健康咨询。"),
        ("法律咨询", "hours", 24, "每季度安排专业人员进社区答疑。"),
    ],
    "volunteers": [
        ("党员志愿服务队", "person_times", 40, "党员志愿者参与环境整治、助老助残。"),
        ("青年志愿者", "person_times", 30, "周末参与社区四点半课堂、文化活动。"),
    ],
    "funds": [
        ("公益项目资金", "yuan", 50000, "用于结对村居的社区公益项目。"),
        ("帮困慰问金", "yuan", 20000, "节日走访慰问困难党员和群众。"),
    ],
    "goods": [
        ("慰问物资", "items", 200, "米、油等慰问品，节日前发放。"),
        ("图书捐赠", "items", 500, "捐赠图书，充实村居书屋。"),
    ],
    "other": [
        ("车辆支援", "person_times", 12, "活动时提供车辆接送老人。"),
        ("技术培训", "hours", 16, "为村民开展实用技能培训。"),
    ],
}
KIND_CATEGORIES = {
    "venue": ["culture", "convenience"],
    "expertise": ["service_support", "convenience", "care_aid"],
    "volunteers": ["beautiful_home", "care_aid", "culture"],
    "funds": ["construction", "care_aid", "beautiful_home"],
    "goods": ["care_aid", "culture"],
    "other": ["convenience", "service_support"],
}
#: Every unit offers one resource; every EXTRA_EVERY-th unit a second one.
EXTRA_EVERY = 4


def _sample_rows(units, districts, communities, today):
    kinds = list(SAMPLES)
    rows = []
    for i, unit in enumerate(units):
        for extra in range(2 if i % EXTRA_EVERY == 0 else 1):
            n = i + extra * 7
            kind = kinds[n % len(kinds)]
            title, measure, quantity, description = SAMPLES[kind][(i + extra) % 2]
            categories = KIND_CATEGORIES[kind][: 1 + n % 2]
            area = n % 3  # 0: the whole town, 1: a district, 2: two communities
            served_districts = [districts[n % len(districts)]] if area == 1 else []
            served_communities = (
                [communities[n % len(communities)], communities[(n * 7 + 3) % len(communities)]]
                if area == 2
                else []
            )
            starts = today + datetime.timedelta(days=30) if n % 11 == 0 else None
            rows.append(
                {
                    "unit": unit,
                    "kind": kind,
                    "title": f"示例：{title}",
                    "description": f"示例数据：{description}",
                    "categories": categories,
                    "measure": measure,
                    "quantity": quantity,
                    "available_from": starts,
                    "districts": served_districts,
                    "communities": list({c.pk: c for c in served_communities}.values()),
                }
            )
    return rows


def _article_rows(units, communities_by_name):
    return [
        {
            "unit": units[unit_name],
            "kind": kind,
            "title": title,
            "description": description,
            "categories": categories,
            "measure": measure,
            "quantity": None,
            "available_from": None,
            "districts": [],
            "communities": [communities_by_name[name] for name in served],
        }
        for unit_name, kind, title, categories, served, measure, description in article.RESOURCES
    ]


def _sync_resources(rows):
    """Create the missing resources with their areas; existing ones are left as they are
    (the office may have edited them)."""
    existing = set(Resource.objects.values_list("unit_id", "title"))
    new_rows = [row for row in rows if (row["unit"].pk, row["title"]) not in existing]
    if not new_rows:
        return
    bulk_create_with_history(
        [
            Resource(**{k: v for k, v in row.items() if k not in ("districts", "communities")})
            for row in new_rows
        ],
        Resource,
        batch_size=500,
    )
    by_key = {
        (unit_id, title): pk
        for pk, unit_id, title in Resource.objects.values_list("pk", "unit_id", "title")
    }
    district_links, community_links = [], []
    for row in new_rows:
        pk = by_key[(row["unit"].pk, row["title"])]
        district_links += [
            Resource.districts.through(resource_id=pk, district_id=d.pk) for d in row["districts"]
        ]
        community_links += [
            Resource.communities.through(resource_id=pk, community_id=c.pk)
            for c in row["communities"]
        ]
    Resource.districts.through.objects.bulk_create(district_links, ignore_conflicts=True)
    Resource.communities.through.objects.bulk_create(community_links, ignore_conflicts=True)


def _demo_matches(office):
    """Matches in each status on the demo's pending needs, from the ranked suggestions."""
    needs = list(
        Need.objects.filter(status=Need.Status.PENDING, council_id=current_council_id())
        .exclude(Q(matches__isnull=False))
        .select_related("community__district")
        .order_by("pk")
    )
    made = 0
    for i, need in enumerate(needs):
        suggestions = [s for s in matching.suggest_resources(need) if s.match is None]
        if not suggestions:
            continue
        resource = suggestions[0].item
        match = actions.propose_match(
            need,
            resource,
            by=office,
            proposed_by=Match.ProposedBy.UNIT,
            note="示例：我单位可以认领这个需求。",
        )
        if i % 3 == 1:
            actions.accept_match(match, by=office)
        elif i % 3 == 2:
            actions.decline_match(
                match, by=office, reason="示例：该资源本季度已排满，请关注下一期。"
            )
        made += 1
    return made


def load_resources(stdout, office=None):
    """At least 150 resources over the 143 units, every kind, the article's offers among
    them; then matches in each status."""
    today = timezone.localdate()
    units = list(
        MemberUnit.objects.filter(
            is_active=True, memberships__council_id=current_council_id()
        ).order_by("pk")
    )
    by_name = {u.name: u for u in units}
    communities = list(Community.objects.filter(is_active=True).order_by("pk"))
    communities_by_name = {c.name: c for c in communities}
    districts = list(District.objects.all())
    rows = _article_rows(by_name, communities_by_name) + _sample_rows(
        units, districts, communities, today
    )
    _sync_resources(rows)
    made = _demo_matches(office)
    stdout.write(f"Resources: {Resource.objects.count()}, new matches: {made}")
