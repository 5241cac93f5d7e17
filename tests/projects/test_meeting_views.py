"""Staff meeting tools, the adopt page, QR codes and exports; the permission matrix."""

import io
import re

import pytest
from django.urls import reverse, set_script_prefix
from openpyxl import load_workbook

from projects import actions
from projects.models import Adoption, JointMeeting, Project, RenewalProposal
from tests.factories import (
    AdoptionFactory,
    JointMeetingFactory,
    MemberUnitFactory,
    MilestoneFactory,
    ProjectFactory,
)
from core.freshness.models import MemoisedVersion
from tests.queries import assert_same_queries, capture_queries, get_queries

ADOPTED_BY_UNIT = "贵单位已认领此项目"

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(unit_a, unit_b):
    last = JointMeetingFactory(held_on="2025-11-28", adoption_open=False)
    meeting = JointMeetingFactory(adoption_open=True)
    open_project = ProjectFactory(title="爱五路亮灯工程")
    mine = ProjectFactory(title="法治大讲堂", status=Project.Status.ADOPTED, adopted_count=1)
    old = AdoptionFactory(project=mine, unit=unit_a, meeting=last)
    milestone = MilestoneFactory(project=mine)
    proposal = RenewalProposal.objects.create(meeting=meeting, previous_adoption=old, unit=unit_a)
    return {
        "meeting": meeting,
        "open_project": open_project,
        "mine": mine,
        "milestone": milestone,
        "proposal": proposal,
    }


STAFF_ONLY = {"anon": 302, "liaison": 403, "other_liaison": 403}
LIAISON_OWN = {"anon": 302, "liaison": 200, "other_liaison": 404, "staff": 403}


def _cases(w):
    m = w["meeting"].pk
    return [
        ("get", reverse("projects:meeting-list"), {**STAFF_ONLY, "staff": 200}),
        ("get", reverse("projects:meeting-create"), {**STAFF_ONLY, "staff": 200}),
        ("get", reverse("projects:meeting-edit", args=[m]), {**STAFF_ONLY, "staff": 200}),
        ("post", reverse("projects:meeting-window", args=[m]), {**STAFF_ONLY, "staff": 302}),
        ("get", reverse("projects:meeting-qr-sheet", args=[m]), {**STAFF_ONLY, "staff": 200}),
        ("get", reverse("projects:meeting-record", args=[m]), {**STAFF_ONLY, "staff": 200}),
        ("get", reverse("projects:meeting-export", args=[m]), {**STAFF_ONLY, "staff": 200}),
        (
            "get",
            reverse("projects:meeting-signing-sheet", args=[m]),
            {**STAFF_ONLY, "staff": 200},
        ),
        ("post", reverse("projects:meeting-rollover", args=[m]), {**STAFF_ONLY, "staff": 302}),
        ("get", reverse("projects:meeting-renewals", args=[m]), {**STAFF_ONLY, "staff": 200}),
        (
            "get",
            reverse("projects:project-adopt", args=[w["open_project"].pk]),
            {"anon": 302, "liaison": 200, "other_liaison": 200, "staff": 200},
        ),
        (
            "get",
            reverse("projects:project-qr", args=[w["open_project"].pk]),
            {"anon": 200, "liaison": 200, "other_liaison": 200, "staff": 200},
        ),
        (
            "get",
            reverse("projects:meeting-screen", args=[m]),
            {"anon": 200, "liaison": 200, "other_liaison": 200, "staff": 200},
        ),
        (
            "get",
            reverse("projects:meeting-screen-stats", args=[m]),
            {"anon": 200, "liaison": 200, "other_liaison": 200, "staff": 200},
        ),
        (
            "get",
            reverse("projects:my-projects"),
            {"anon": 302, "liaison": 200, "other_liaison": 200, "staff": 403},
        ),
        (
            "get",
            reverse("projects:my-renewals"),
            {"anon": 302, "liaison": 200, "other_liaison": 200, "staff": 403},
        ),
        ("get", reverse("projects:my-project", args=[w["mine"].pk]), LIAISON_OWN),
        (
            "post",
            reverse("projects:milestone-done", args=[w["milestone"].pk]),
            {**LIAISON_OWN, "liaison": 302},
        ),
        (
            "post",
            reverse("projects:my-project-complete", args=[w["mine"].pk]),
            {**LIAISON_OWN, "liaison": 200},  # the confirmation page: no confirmed=yes
        ),
        (
            "post",
            reverse("projects:renewal-drop", args=[w["proposal"].pk]),
            {**LIAISON_OWN, "liaison": 302},
        ),
        (
            "post",
            reverse("projects:renewal-confirm", args=[w["proposal"].pk]),
            {**LIAISON_OWN, "liaison": 302},
        ),
    ]


def test_it_checks_every_view_against_every_persona(world, persona_clients):
    failures = []
    # The liaison's own POSTs change state, so they go last (renewal-confirm after drop
    # is refused politely and still redirects).
    for method, url, expected in _cases(world):
        for persona in ("anon", "other_liaison", "staff", "liaison"):
            client = persona_clients[persona]
            evidence = f"milestone-{world['milestone'].pk}-evidence"
            response = getattr(client, method)(url, {evidence: "已完成"})
            if response.status_code != expected[persona]:
                failures.append((method, url, persona, response.status_code, expected[persona]))
    assert failures == []


def test_it_never_shows_another_units_project_by_guessing_ids(world, other_liaison_client):
    for name, pk in [("my-project", world["mine"].pk), ("my-project", 999999)]:
        assert other_liaison_client.get(reverse(f"projects:{name}", args=[pk])).status_code == 404


def test_it_lists_meetings_in_the_same_number_of_queries_at_two_sizes(staff_client):
    url = reverse("projects:meeting-list")
    JointMeetingFactory()
    small = get_queries(staff_client, url)
    for _ in range(6):
        meeting = JointMeetingFactory()
        AdoptionFactory(meeting=meeting)
    assert_same_queries(small, get_queries(staff_client, url))


def test_it_creates_a_meeting_and_opens_and_closes_adoption(staff_client):
    response = staff_client.post(
        reverse("projects:meeting-create"),
        {"title": "2027年联席会议", "held_on": "2027-11-28", "venue": "朱泾镇政府"},
    )
    assert response.status_code == 302
    meeting = JointMeeting.objects.get(title="2027年联席会议")
    assert meeting.adoption_open is False

    staff_client.post(reverse("projects:meeting-window", args=[meeting.pk]), {"action": "open"})
    meeting.refresh_from_db()
    assert meeting.adoption_open is True
    staff_client.post(reverse("projects:meeting-window", args=[meeting.pk]), {"action": "close"})
    meeting.refresh_from_db()
    assert meeting.adoption_open is False


def test_it_serves_an_svg_qr_code_for_open_projects_only(anon):
    project = ProjectFactory()
    response = anon.get(reverse("projects:project-qr", args=[project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml") or b"<svg" in response.content[:200]
    assert b"<path" in response.content

    draft = ProjectFactory(status=Project.Status.DRAFT)
    assert anon.get(reverse("projects:project-qr", args=[draft.pk])).status_code == 404


def test_it_prints_a_qr_sheet_of_every_open_project(staff_client):
    meeting = JointMeetingFactory()
    ProjectFactory(title="社区法律诊所")
    ProjectFactory(title="草稿项目", status=Project.Status.DRAFT)
    response = staff_client.get(reverse("projects:meeting-qr-sheet", args=[meeting.pk]))
    body = response.content.decode()
    assert "社区法律诊所" in body
    assert "草稿项目" not in body
    assert "/adopt/" in body


def test_it_lets_a_liaison_adopt_from_the_qr_link(liaison_client, unit_a):
    JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(title="铺石修路")
    url = reverse("projects:project-adopt", args=[project.pk])

    page = liaison_client.get(url).content.decode()
    assert "确认认领" in page

    response = liaison_client.post(url, {"commitment": "出人出力"})
    assert response.status_code == 302
    assert Adoption.objects.filter(project=project, unit=unit_a, commitment="出人出力").exists()
    assert "贵单位已认领此项目" in liaison_client.get(url).content.decode()


def test_it_tells_the_loser_already_taken_not_an_error_page(liaison_client, unit_b):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=1)
    url = reverse("projects:project-adopt", args=[project.pk])
    liaison_client.get(url)  # the liaison opened the page before the other unit won
    actions.adopt(project, unit_b, meeting)

    response = liaison_client.post(url, {"commitment": "我们也想认领"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "已被认领" in response.content.decode()
    assert "<html" not in response.content.decode()

    response = liaison_client.post(url, {"commitment": "我们也想认领"}, follow=True)
    assert response.status_code == 200
    assert "已被认领" in response.content.decode()


def test_it_shows_staff_the_record_form_hint_on_the_adopt_page(staff_client):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory()
    body = staff_client.get(reverse("projects:project-adopt", args=[project.pk])).content.decode()
    assert reverse("projects:meeting-record", args=[meeting.pk]) in body
    assert staff_client.post(
        reverse("projects:project-adopt", args=[project.pk]), {"commitment": "x"}
    ).status_code == 403


def test_it_records_an_adoption_for_a_unit_by_name_and_resets(staff_client, unit_a):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(title="爱心助学")
    url = reverse("projects:meeting-record", args=[meeting.pk])
    page = staff_client.get(url).content.decode()
    assert "autofocus" in page
    assert f"#{project.pk} 爱心助学" in page

    response = staff_client.post(
        url,
        {"unit": unit_a.name, "project": f"#{project.pk} 爱心助学（x）", "commitment": "捐款"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert Adoption.objects.filter(project=project, unit=unit_a, meeting=meeting).exists()
    assert 'value="测试区财政局"' not in body  # the form is empty for the next entry
    assert "爱心助学" in body  # ... and shows the last recorded

    other = MemberUnitFactory()
    response = staff_client.post(url, {"unit": other.name, "project": "爱心助学", "commitment": ""})
    assert response.status_code == 200
    assert "已被认领" in response.content.decode()


def test_it_exports_the_meetings_adoptions_to_excel(staff_client, unit_a, unit_b):
    meeting = JointMeetingFactory()
    AdoptionFactory(meeting=meeting, unit=unit_a, project=ProjectFactory(title="法治大讲堂"))
    AdoptionFactory(meeting=meeting, unit=unit_b, project=ProjectFactory(title="亮灯工程"))
    AdoptionFactory(unit=unit_b)  # another meeting's

    response = staff_client.get(reverse("projects:meeting-export", args=[meeting.pk]))
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][1] == "成员单位"
    assert len(rows) == 3
    assert {(r[1], r[2]) for r in rows[1:]} == {
        (unit_a.name, "法治大讲堂"),
        (unit_b.name, "亮灯工程"),
    }


def test_it_prints_a_signing_sheet_with_a_signature_column(staff_client, unit_a):
    meeting = JointMeetingFactory()
    AdoptionFactory(meeting=meeting, unit=unit_a, commitment="出资三万元")
    body = staff_client.get(
        reverse("projects:meeting-signing-sheet", args=[meeting.pk])
    ).content.decode()
    assert "签名" in body
    assert unit_a.name in body and "出资三万元" in body


def test_it_records_in_the_same_number_of_queries_at_two_sizes(staff_client):
    meeting = JointMeetingFactory()
    url = reverse("projects:meeting-record", args=[meeting.pk])

    small = get_queries(staff_client, url)
    for _ in range(5):
        ProjectFactory()
        MemberUnitFactory()
        AdoptionFactory(meeting=meeting)
    assert_same_queries(small, get_queries(staff_client, url))


def test_it_prints_sheets_in_the_same_number_of_queries_at_two_sizes(staff_client):
    meeting = JointMeetingFactory()
    urls = [
        reverse("projects:meeting-qr-sheet", args=[meeting.pk]),
        reverse("projects:meeting-signing-sheet", args=[meeting.pk]),
        reverse("projects:meeting-screen", args=[meeting.pk]),
    ]

    def add():
        ProjectFactory()
        AdoptionFactory(meeting=meeting)

    add()
    from django.core.cache import cache

    from core import pagecache

    cache.clear()
    pagecache._forget_version()  # each size reads the data version once, whatever the clock
    small = [get_queries(staff_client, url) for url in urls]
    for _ in range(5):
        add()
    cache.clear()
    pagecache._forget_version()
    for before, after in zip(small, [get_queries(staff_client, url) for url in urls], strict=True):
        assert_same_queries(before, after)


def test_it_lists_renewals_in_the_same_number_of_queries_at_two_sizes(
    liaison_client, staff_client, unit_a
):
    meeting = JointMeetingFactory()
    pages = [
        (liaison_client, reverse("projects:my-renewals")),
        (staff_client, reverse("projects:meeting-renewals", args=[meeting.pk])),
    ]

    def add():
        old = AdoptionFactory(unit=unit_a)
        RenewalProposal.objects.create(meeting=meeting, previous_adoption=old, unit=unit_a)

    add()
    small = [get_queries(client, url) for client, url in pages]
    for _ in range(5):
        add()
    for before, (client, url) in zip(small, pages, strict=True):
        assert_same_queries(before, get_queries(client, url))


def test_it_shows_staff_who_still_has_to_decide(world, staff_client, unit_a):
    url = reverse("projects:meeting-renewals", args=[world["meeting"].pk])
    body = staff_client.get(url).content.decode()
    assert unit_a.name in body
    assert "待单位确认" in body


def test_it_lets_staff_withdraw_a_mistaken_record(staff_client, liaison_client, unit_a):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=1)
    adoption = actions.adopt(project, unit_a, meeting)
    url = reverse("projects:meeting-withdraw", args=[meeting.pk, adoption.pk])

    assert liaison_client.post(url).status_code == 403
    elsewhere = reverse("projects:meeting-withdraw", args=[meeting.pk + 1, adoption.pk])
    assert staff_client.post(elsewhere).status_code == 404
    assert staff_client.post(url).status_code == 302

    project.refresh_from_db()
    assert (project.adopted_count, project.status) == (0, Project.Status.OPEN)
    assert not Adoption.objects.filter(pk=adoption.pk).exists()


def test_it_sums_up_renewals_on_the_meeting_list(world, staff_client):
    body = staff_client.get(reverse("projects:meeting-list")).content.decode()
    assert "续认领：已续 0，待单位确认 1，不再续 0" in body


def test_it_links_an_open_projects_page_to_the_adopt_page(anon):
    project = ProjectFactory()
    full = ProjectFactory(capacity=1, adopted_count=1, status=Project.Status.ADOPTED)
    adopt = reverse("projects:project-adopt", args=[project.pk])
    assert adopt in anon.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    body = anon.get(reverse("projects:project-detail", args=[full.pk])).content.decode()
    assert reverse("projects:project-adopt", args=[full.pk]) not in body


def test_it_offers_the_loser_other_open_projects_same_category_first(liaison_client, unit_a, unit_b):
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=1, category="culture")
    same_category = ProjectFactory(title="社区合唱团", category="culture")
    other_category = ProjectFactory(title="便民理发", category="convenience")
    ProjectFactory(title="已满的项目", category="culture", status=Project.Status.ADOPTED)
    AdoptionFactory(project=ProjectFactory(title="本单位已认领", category="culture"), unit=unit_a)
    actions.adopt(project, unit_b, meeting)
    url = reverse("projects:project-adopt", args=[project.pk])

    html = liaison_client.post(url, {"commitment": "出资一万元"}, HTTP_HX_REQUEST="true").content.decode()
    assert "已被认领" in html
    assert html.index("社区合唱团") < html.index("便民理发")
    assert "已满的项目" not in html and "本单位已认领" not in html
    assert re.search(r'<textarea [^>]*name="commitment"[^>]*>\s*出资一万元</textarea>', html)

    # One tap adopts the offered project with the commitment already written.
    liaison_client.post(reverse("projects:project-adopt", args=[same_category.pk]), {"commitment": "出资一万元"})
    assert Adoption.objects.filter(project=same_category, unit=unit_a, commitment="出资一万元").exists()
    assert not Adoption.objects.filter(project=other_category).exists()


def _taken(by):
    """A one-seat project ``by`` has just adopted, another still open, and the adopt URL."""
    meeting = JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(capacity=1)
    ProjectFactory(title="社区合唱团")  # offered instead, with the commitment filled in
    actions.adopt(project, by, meeting)
    return project, meeting, reverse("projects:project-adopt", args=[project.pk])


def test_the_offered_links_follow_the_path_the_app_is_served_under(liaison_client, unit_b):
    """Adopt links are reversed once per process: a request served under a sub-path
    (SCRIPT_NAME set by the proxy) must not get the bare path's link, nor the reverse."""
    _project, _meeting, url = _taken(by=unit_b)
    adopt = reverse("projects:project-adopt", args=[Project.objects.get(title="社区合唱团").pk])
    post = {"commitment": "出资"}
    # What Django's WSGI handler does with SCRIPT_NAME (the test client does not).
    set_script_prefix("/zhujing/")
    try:
        prefixed = liaison_client.post(url, post, HTTP_HX_REQUEST="true")
    finally:
        set_script_prefix("/")
    bare = liaison_client.post(url, post, HTTP_HX_REQUEST="true")
    assert f'action="/zhujing{adopt}"' in prefixed.content.decode()
    assert f'action="{adopt}"' in bare.content.decode()


@pytest.mark.parametrize("status", [Project.Status.DRAFT, Project.Status.CANCELLED, None])
def test_the_htmx_panel_is_not_found_for_a_draft_a_cancelled_or_a_missing_project(
    liaison_client, status
):
    JointMeetingFactory(adoption_open=True)
    pk = ProjectFactory(status=status).pk if status else 999_999
    url = reverse("projects:project-adopt", args=[pk])
    response = liaison_client.post(url, {"commitment": "出资"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert not Adoption.objects.exists()


def _post_queries(client, url, commitment="出资"):
    """The queries of one htmx POST to the adopt page (which answers 200)."""
    MemoisedVersion.forget_all()
    with capture_queries() as queries:
        response = client.post(url, {"commitment": commitment}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.status_code
    return queries, response.content.decode()


def _more_rows(unit, meeting, n=8):
    """More open projects to offer, more of the unit's adoptions, more of other units'."""
    for _ in range(n):
        ProjectFactory(category="culture")
        AdoptionFactory(
            unit=unit, meeting=meeting, project=ProjectFactory(capacity=1, adopted_count=1,
                                                               status=Project.Status.ADOPTED)
        )
        AdoptionFactory(meeting=meeting)


def test_a_loser_is_answered_in_the_same_number_of_queries_at_two_sizes(
    liaison_client, unit_a, unit_b
):
    project, meeting, url = _taken(by=unit_b)
    small, html = _post_queries(liaison_client, url)
    assert "已被认领" in html and "社区合唱团" in html
    _more_rows(unit_a, meeting)
    large, html = _post_queries(liaison_client, url)
    assert "已被认领" in html and html.count('formaction="') == 6
    assert_same_queries(small, large)


def test_a_winner_is_answered_in_the_same_number_of_queries_at_two_sizes(liaison_client, unit_a):
    meeting = JointMeetingFactory(adoption_open=True)
    first, second = ProjectFactory(capacity=2), ProjectFactory(capacity=2)
    small, html = _post_queries(liaison_client, reverse("projects:project-adopt", args=[first.pk]))
    assert ADOPTED_BY_UNIT in html
    _more_rows(unit_a, meeting)
    large, html = _post_queries(liaison_client, reverse("projects:project-adopt", args=[second.pk]))
    assert ADOPTED_BY_UNIT in html
    assert_same_queries(small, large)


def test_the_adopt_page_takes_the_same_number_of_queries_at_two_sizes(liaison_client, unit_a, unit_b):
    project, meeting, url = _taken(by=unit_b)
    small = get_queries(liaison_client, url)
    _more_rows(unit_a, meeting)
    assert_same_queries(small, get_queries(liaison_client, url))


def test_an_htmx_loser_leaves_the_session_as_it_was(liaison_client, unit_b):
    """The panel carries the commitment in its offers' form; only the redirect without
    htmx needs the session to carry it to the next page."""
    _project, _meeting, url = _taken(by=unit_b)
    liaison_client.post(url, {"commitment": "出资一万元"}, HTTP_HX_REQUEST="true")
    assert "adopt_commitment" not in liaison_client.session

    liaison_client.post(url, {"commitment": "出资两万元"})
    assert liaison_client.session["adopt_commitment"] == "出资两万元"


def test_a_unit_that_tries_again_after_winning_is_told_it_has_adopted(
    liaison_client, unit_a, unit_b
):
    project, meeting, url = _taken(by=unit_b)
    project.capacity, project.status = 2, Project.Status.OPEN
    project.save()
    actions.adopt(project, unit_a, meeting)
    _queries, html = _post_queries(liaison_client, url)
    assert ADOPTED_BY_UNIT in html
    assert 'formaction="' not in html


def test_the_database_refuses_a_second_open_meeting():
    from django.db import IntegrityError, transaction

    JointMeetingFactory(adoption_open=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        JointMeeting.objects.create(title="另一个会议", held_on="2025-11-28", adoption_open=True)


def test_it_asks_to_confirm_and_opening_one_meeting_closes_the_other(staff_client):
    last = JointMeetingFactory(title="2025年联席会议", held_on="2025-11-28", adoption_open=True)
    this = JointMeetingFactory(title="2026年联席会议", held_on="2026-11-28", adoption_open=False)
    JointMeeting.objects.filter(pk=last.pk).update(adoption_open=True)  # as before the rule
    url = reverse("projects:meeting-window", args=[this.pk])

    page = staff_client.get(url).content.decode()
    assert "确定开启认领吗" in page and "2025年联席会议" in page
    this.refresh_from_db()
    assert this.adoption_open is False  # looking at the question changes nothing

    staff_client.post(url, {"action": "open"})
    assert list(JointMeeting.objects.filter(adoption_open=True)) == [this]


def test_it_shows_past_meetings_their_result_not_a_primary_open_button(staff_client, unit_a):
    past = JointMeetingFactory(title="2017年联席会议", held_on="2017-11-28", adoption_open=False)
    AdoptionFactory(meeting=past, unit=unit_a)
    html = staff_client.get(reverse("projects:meeting-list")).content.decode()
    card = html[html.index("2017年联席会议"):]
    assert "认领结果" in card[:600] or "结果" in card[:600]
    assert "btn btn-primary" not in card.split("</article>")[0]
