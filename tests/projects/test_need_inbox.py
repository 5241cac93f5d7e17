import pytest
from django.urls import reverse

from projects.models import Need, Project
from tests.factories import CommunityFactory, NeedFactory, ProjectFactory
from tests.queries import assert_same_queries, get_queries

pytestmark = pytest.mark.django_db
INBOX = reverse("projects:need-inbox")


def test_it_lists_pending_needs_first(staff_client):
    declined = NeedFactory(text="已答复的需求")
    declined.decline("暂不具备条件。")
    NeedFactory(text="待审核的需求")
    page = staff_client.get(INBOX).context["page"]
    assert [n.text for n in page.object_list] == ["待审核的需求", "已答复的需求"]


def test_it_shows_staff_the_contact(staff_client):
    NeedFactory(contact_name="王阿姨", contact_phone="13811112222")
    html = staff_client.get(INBOX).content.decode()
    assert "王阿姨" in html and "13811112222" in html


def test_it_filters(staff_client):
    community = CommunityFactory()
    NeedFactory(text="甲", community=community, category="culture")
    NeedFactory(text="乙", category="culture")
    NeedFactory(text="丙", community=community, category="care_aid")

    def texts(response):
        return {n.text for n in response.context["page"].object_list}

    assert texts(staff_client.get(INBOX, {"community": community.pk})) == {"甲", "丙"}
    assert texts(staff_client.get(INBOX, {"category": "culture"})) == {"甲", "乙"}
    assert texts(staff_client.get(INBOX, {"status": "declined"})) == set()


def test_it_uses_the_same_number_of_queries_for_few_and_many_needs(staff_client):
    def make(n):
        for i in range(n):
            community = CommunityFactory()
            ProjectFactory(community=community)
            NeedFactory(community=community)

    make(3)
    small = get_queries(staff_client, INBOX)
    make(40)
    large = get_queries(staff_client, INBOX)
    assert_same_queries(small, large)


def test_accepting_opens_the_project_form_prefilled(staff_client):
    community = CommunityFactory(name="钟楼居委会")
    need = NeedFactory(text="小区路面坑洼，雨天积水。", community=community, category="construction")
    response = staff_client.get(reverse("projects:project-create"), {"need": need.pk})
    form = response.context["form"]
    assert form.initial["community"] == community.pk
    assert form.initial["category"] == "construction"
    assert "小区路面坑洼" in form.initial["title"]
    assert form.initial["description"] == "小区路面坑洼，雨天积水。"
    assert f'name="needs" value="{need.pk}"' in response.content.decode()


def test_saving_the_project_accepts_and_links_the_needs(staff_client, staff):
    community = CommunityFactory()
    first = NeedFactory(community=community)
    second = NeedFactory(community=community, text="另一位居民也希望加装扶手")
    response = staff_client.post(
        reverse("projects:project-create"),
        {
            "title": "楼道扶手",
            "description": "为老旧楼道加装扶手",
            "category": "care_aid",
            "community": community.pk,
            "year": 2026,
            "capacity": 1,
            "needs": [first.pk, second.pk],
        },
    )
    project = Project.objects.get(title="楼道扶手")
    assert response.status_code == 302
    assert project.status == Project.Status.DRAFT
    assert project.created_by == staff
    for need in (first, second):
        need.refresh_from_db()
        assert need.status == Need.Status.ACCEPTED
        assert need.project == project
        assert need.reviewed_by == staff


def test_accepting_into_an_existing_project(staff_client):
    project = ProjectFactory(status=Project.Status.OPEN)
    need = NeedFactory(community=project.community)
    response = staff_client.post(
        reverse("projects:need-link", args=[need.pk]), {"project": project.pk}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.ACCEPTED
    assert need.project == project


def test_it_refuses_to_link_a_project_of_another_community(staff_client):
    project = ProjectFactory()
    need = NeedFactory()
    staff_client.post(reverse("projects:need-link", args=[need.pk]), {"project": project.pk})
    need.refresh_from_db()
    assert need.status == Need.Status.PENDING


def test_declining_requires_a_reason(staff_client):
    need = NeedFactory()
    url = reverse("projects:need-decline", args=[need.pk])
    response = staff_client.post(url, {"reply": "   "})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()
    need.refresh_from_db()
    assert need.status == Need.Status.PENDING


def test_declining_records_the_public_reply(staff_client, staff):
    need = NeedFactory()
    url = reverse("projects:need-decline", args=[need.pk])
    response = staff_client.post(url, {"reply": "场地有限，暂不具备条件。"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.DECLINED
    assert need.reply == "场地有限，暂不具备条件。"
    assert need.reviewed_by == staff


def test_declining_over_htmx_answers_the_changed_row(staff_client):
    need = NeedFactory()
    url = reverse("projects:need-decline", args=[need.pk])
    form = staff_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert form.lstrip().startswith("<form")
    assert f'data-hx-post="{url}"' in form
    row = staff_client.post(url, {"reply": "暂不具备条件。"}, HTTP_HX_REQUEST="true")
    html = row.content.decode()
    assert html.lstrip().startswith(f'<li class="card need-row" id="need-{need.pk}"')
    assert "未采纳" in html


def test_it_does_not_review_a_need_twice(staff_client):
    need = NeedFactory()
    need.decline("暂不具备条件。")
    project = ProjectFactory(community=need.community)
    staff_client.post(reverse("projects:need-link", args=[need.pk]), {"project": project.pk})
    need.refresh_from_db()
    assert need.status == Need.Status.DECLINED


def test_it_explains_when_a_need_was_reviewed_meanwhile(staff_client):
    need = NeedFactory()
    need.decline("暂不具备条件。")
    response = staff_client.post(
        reverse("projects:project-create"),
        {"title": "楼道扶手", "description": "为老旧楼道加装扶手", "category": "care_aid",
         "community": need.community_id, "year": 2026, "capacity": 1, "needs": [need.pk]},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Project.objects.filter(title="楼道扶手").exists()


def test_staff_see_the_pending_count_in_the_nav(persona_clients):
    NeedFactory.create_batch(3)
    html = persona_clients["staff"].get(reverse("home")).content.decode()
    assert '需求审核 <span class="badge"' in html
    assert ">3</span>" in html
    assert "需求审核" not in persona_clients["liaison"].get(reverse("home")).content.decode()


def test_several_ticked_needs_prefill_one_project(staff_client):
    community = CommunityFactory()
    first = NeedFactory(community=community, text="楼道太暗")
    second = NeedFactory(community=community, text="楼道没有扶手")
    html = staff_client.get(INBOX).content.decode()
    assert 'id="bulk-accept" method="get" action="/office/projects/new/"' in html
    assert f'name="need" value="{first.pk}" form="bulk-accept"' in html
    response = staff_client.get(reverse("projects:project-create"),
                                {"need": [first.pk, second.pk]})
    form = response.context["form"]
    assert sorted(form.initial["needs"]) == sorted([first.pk, second.pk])
    assert "楼道太暗" in form.initial["description"]
    assert "楼道没有扶手" in form.initial["description"]


def test_it_answers_htmx_filters_with_the_results_partial(staff_client):
    NeedFactory(text="希望加装路灯", category="construction")
    NeedFactory(text="希望开读书会", category="culture")
    response = staff_client.get(INBOX, {"category": "culture"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "希望开读书会" in html and "希望加装路灯" not in html


def test_the_card_shows_that_a_unit_offered_a_resource(staff_client, staff):
    from projects import actions
    from tests.factories import MatchFactory

    offered = NeedFactory(text="楼道需要照明")
    MatchFactory(need=offered)
    MatchFactory(need=offered)
    answered = NeedFactory(text="老人需要助餐")
    actions.accept_match(MatchFactory(need=answered), by=staff)
    NeedFactory(text="无人响应的需求")
    html = staff_client.get(INBOX).content.decode()

    def card(need):
        start = html.index(f'id="need-{need.pk}"')
        return html[start : html.index("</li>", start)]

    assert "2 个单位提供了资源" in card(offered)
    assert "已有单位响应" in card(answered)
    quiet = Need.objects.get(text="无人响应的需求")
    assert "提供了资源" not in card(quiet) and "已有单位响应" not in card(quiet)
