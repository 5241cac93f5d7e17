"""Demo data for the project board: the article's projects and meetings, plus samples.

Runs after ``units.demo.load`` (the registry must exist) and is safe to run again.
"""


def load(stdout):
    load_projects(stdout)
    load_meetings(stdout)


# --- Projects and needs -------------------------------------------------------------


def load_projects(stdout):
    pass


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
