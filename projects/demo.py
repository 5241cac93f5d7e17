"""Demo data for the project board: the article's projects and meetings, plus samples.

Runs after ``units.demo.load`` (the registry must exist) and is safe to run again.
"""


def load(stdout):
    load_projects(stdout)
    load_meetings(stdout)


# --- Projects and needs -------------------------------------------------------------


def load_projects(stdout):
    """The article's projects, key-works projects, ~100 samples with milestones, and needs.

    Statuses are set here; ``load_meetings`` attaches adoptions to projects that are
    adopted / in progress / completed and have none.
    """
    import datetime

    from django.utils import timezone

    from .models import Category, KeyWorks, Milestone, Need, Project

    today = timezone.localdate()
    this_year = today.year
    S = Project.Status
    communities = _demo_communities()
    for name, category, level in _ARTICLE_UNITS:
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

    wanlian, wulong = communities["万联村"], communities["五龙村"]
    nanwei, zhonglou = communities["南圩居民区"], communities["钟楼居委会"]
    article = [
        ("阳光坡道", 2017, zhonglou, Category.CARE_AID, S.COMPLETED, "",
         "为行动不便的老人和残疾人修建无障碍坡道，方便居民出行。"),
        ("党建长廊", 2018, wanlian, Category.CULTURE, S.COMPLETED, "",
         "在村内建设党建宣传长廊，展示党的政策和村里的好人好事。"),
        ("健康小屋", 2018, nanwei, Category.CONVENIENCE, S.COMPLETED, "",
         "设立社区健康小屋，提供血压血糖测量和定期义诊。"),
        ("飘香书屋", 2018, wulong, Category.CULTURE, S.IN_PROGRESS, "",
         "建设村级书屋，丰富村民特别是青少年的课余文化生活。"),
        ("福满塘园", 2018, wanlian, Category.BEAUTIFUL_HOME, S.COMPLETED, "",
         "整治村中池塘及周边环境，建成村民休闲的小游园。"),
        ("法治大讲堂", 2017, nanwei, Category.SERVICE_SUPPORT, S.COMPLETED, "",
         "朱泾法庭法官走进社区，以案说法，普及与居民生活相关的法律知识。"),
        ("社区法律诊所", 2018, nanwei, Category.SERVICE_SUPPORT, S.IN_PROGRESS, "",
         "南圩居民区“一居一品”特色品牌：法官定期坐诊，化解社区矛盾，解决居民急难愁。"),
        ("爱五路亮灯工程", 2017, wulong, Category.CONSTRUCTION, S.COMPLETED, KeyWorks.LIGHTING,
         "五龙村主干道爱五路没有路灯，村民夜间出行不便；结对单位拨付专款实施亮灯工程。"),
        ("老旧小区铺石修路", 2017, zhonglou, Category.CONSTRUCTION, S.COMPLETED, "",
         "利用专业优势帮助辖区老式小区铺石修路，改善小区环境面貌。"),
        ("万联村修筑道路", 2017, wanlian, Category.CONSTRUCTION, S.COMPLETED, "",
         "万联村修筑道路资金短缺，结对单位及时资助专项资金。"),
        ("中小河道整治", 2018, wanlian, Category.BEAUTIFUL_HOME, S.IN_PROGRESS, KeyWorks.RIVERS,
         "党建联建单位参与政府重点工程：整治村内中小河道，还河道水清岸绿。"),
        ("亮灯工程", 2018, wulong, Category.CONSTRUCTION, S.COMPLETED, KeyWorks.LIGHTING,
         "党建联建单位参与政府重点工程：为村道和宅前小路安装路灯。"),
        ("拆违工程", 2018, zhonglou, Category.CONSTRUCTION, S.ADOPTED, KeyWorks.DEMOLITION,
         "党建联建单位参与政府重点工程：配合拆除违法建筑，还绿于民。"),
        ("棚户简屋改造", 2018, nanwei, Category.CONSTRUCTION, S.IN_PROGRESS, KeyWorks.SHANTY,
         "党建联建单位参与政府重点工程：改造棚户简屋，改善困难家庭居住条件。"),
    ]
    by_title = {}
    for title, year, community, category, status, key_works, description in article:
        obj = project(title, year, community, category, status, description, key_works=key_works)
        by_title[title] = obj
        if status == S.COMPLETED:
            milestones(obj, done_steps(year))
        else:
            milestones(obj, done_steps(year)[:2] + [
                ("实施完成", datetime.date(year, 12, 31), None)
            ])
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
    community_list = list(communities.values())
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


_ARTICLE_UNITS = [
    ("金山区财政局", "organ", "district"),
    ("朱泾法庭", "stationed", ""),
    ("金山公路建设有限公司", "enterprise", ""),
    ("中石化上海工程公司", "stationed", ""),
]

_ARTICLE_COMMUNITIES = [
    # name, kind, district, district kind, district position
    ("万联村", "village", "东片", "rural", 4),
    ("五龙村", "village", "西片", "rural", 5),
    ("南圩居民区", "residential", "城南", "community", 1),
    ("钟楼居委会", "residential", "城西", "community", 3),
]


def _demo_communities():
    """The article's communities, looked up by name; created if the registry lacks them."""
    from units.models import Community, District

    found = {}
    for name, kind, district_name, district_kind, position in _ARTICLE_COMMUNITIES:
        community = Community.objects.filter(name=name).first()
        if community is None:
            district, _ = District.objects.get_or_create(
                name=district_name, defaults={"kind": district_kind, "position": position}
            )
            community = Community.objects.create(name=name, kind=kind, district=district)
        found[name] = community
    return found


def _demo_unit(name, category, level):
    from units.models import MemberUnit

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


# --- Joint meetings, adoptions and renewals -------------------------------------------


MEETING_2017_TITLE = "庆祝朱泾镇区域化党建20周年暨“心联鑫”区域化党建联席会议"
MEETING_DATE = (11, 28)
#: This year's joint meeting (the demo's "now").
THIS_YEAR = 2026

#: The article's adoptions: (community name start, title keyword, title, category,
#: key works, unit name keyword, commitment, description).
ARTICLE_ADOPTIONS = [
    (
        "南圩",
        "法治大讲堂",
        "“法治大讲堂”",
        "culture",
        "",
        "朱泾法庭",
        "法官定期进社区开讲，以案说法",
        "南圩居民区与朱泾法庭结对共建，开展“法治大讲堂”活动，受到广大群众欢迎。",
    ),
    (
        "南圩",
        "法律诊所",
        "社区法律诊所",
        "service_support",
        "",
        "朱泾法庭",
        "坐诊答疑，化解社区矛盾，解决居民急难愁",
        "南圩居民区“一居一品”特色品牌：社区法律诊所，更好地化解社区矛盾。",
    ),
    (
        "五龙",
        "亮灯",
        "爱五路亮灯工程",
        "construction",
        "lighting",
        "中石化上海工程公司",
        "拨付专款为爱五路安装路灯",
        "五龙村主干道爱五路没有路灯，晚上村民出行不便。",
    ),
    (
        "钟楼",
        "铺石修路",
        "老式小区铺石修路",
        "beautiful_home",
        "",
        "金山公路建设有限公司",
        "发挥专业优势，帮助老式小区铺石修路",
        "帮助辖区老式小区铺石修路，改善小区环境面貌，居民称之为“小区美容师”。",
    ),
    (
        "万联",
        "修筑道路",
        "万联村修筑道路",
        "construction",
        "",
        "财政局",
        "资助专项资金，解决修路资金短缺",
        "万联村修筑道路资金短缺，结对单位及时资助专项资金。",
    ),
]

#: Demo logins whose units keep a pending renewal, so the renewal page has something to show.
DEMO_LIAISON_UNITS = ("财政局", "朱泾法庭")


def _unit(keyword):
    from units.models import MemberUnit

    return (
        MemberUnit.objects.filter(name=keyword, is_active=True).first()
        or MemberUnit.objects.filter(name__contains=keyword, is_active=True).order_by("id").first()
    )


def _meeting(year, title=None, adoption_open=None):
    import datetime

    from .models import JointMeeting

    held_on = datetime.date(year, *MEETING_DATE)
    meeting = JointMeeting.objects.filter(held_on=held_on).first()
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
    from django.db.models import F

    from .models import Adoption, Project

    existing = Adoption.objects.filter(project=project, unit=unit).first()
    if existing:
        return existing
    if not Project.objects.filter(pk=project.pk, adopted_count__lt=F("capacity")).update(
        adopted_count=F("adopted_count") + 1
    ):
        return None
    return Adoption.objects.create(
        project=project,
        unit=unit,
        meeting=meeting,
        kind=kind,
        renewal_of=renewal_of,
        commitment=commitment,
    )


def _article_adoptions(meeting, stdout):
    from units.models import Community

    from .models import Project

    done = 0
    for start, keyword, title, category, key_works, unit_kw, commitment, text in ARTICLE_ADOPTIONS:
        unit = _unit(unit_kw)
        community = Community.objects.filter(name__startswith=start).order_by("id").first()
        if unit is None or community is None:
            continue
        project = (
            Project.objects.filter(community=community, title__contains=keyword)
            .order_by("year", "id")
            .first()
        )
        if project is None:
            project = Project.objects.create(
                title=title,
                description=text,
                category=category,
                key_works=key_works,
                community=community,
                year=meeting.year,
                status=Project.Status.COMPLETED,
            )
        if _attach(project, unit, meeting, commitment):
            done += 1
    stdout.write(f"  2017 joint meeting: {done} of the article's adoptions")


def _sample_adoptions(stdout, this_year):
    """Projects the board shows as adopted, in progress or completed get their adopters.

    A project renewed from an earlier one is carried on by that one's unit (a renewal);
    last year's first projects go to the demo liaisons' units, so they have renewals to
    decide at this year's meeting; the rest go to a unit paired with the community, or
    to sample units in turn.
    """
    from units.models import MemberUnit, Pairing

    from .models import Adoption, Project

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
    from . import actions
    from .models import RenewalProposal

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
    """The 20th-anniversary meeting with the article's adoptions, past years' adopters,
    and this year's meeting with adoption open and a few renewals. Safe to run again;
    whatever the registry or the board has not loaded is skipped."""
    meeting_2017 = _meeting(2017, MEETING_2017_TITLE)
    _article_adoptions(meeting_2017, stdout)
    _sample_adoptions(stdout, THIS_YEAR)
    this_year = _meeting(
        THIS_YEAR, f"{THIS_YEAR}年“心联鑫”区域化党建联席会议", adoption_open=True
    )
    _demo_renewals(this_year, stdout)
