"""Recording contributions: a liaison for their own unit's projects and pairings only; the
office confirms (which locks the row) and corrects (which keeps the history)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from records.models import Contribution
from tests.factories import PairingFactory
from tests.records.conftest import make_contribution

pytestmark = pytest.mark.django_db

FUNDS = {"kind": "funds", "amount": "5000", "contributed_on": "2026-05-01", "note": "专项资金"}


def test_it_records_a_contribution_to_the_liaisons_project(liaison_client, liaison, adopted_project):
    url = reverse("records:contribution-create-project", args=[adopted_project.pk])
    response = liaison_client.post(url, FUNDS)
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.unit == liaison.unit
    assert contribution.project == adopted_project
    assert contribution.amount == Decimal("5000")
    assert contribution.recorded_by == liaison
    assert contribution.status == Contribution.Status.RECORDED


def test_it_records_volunteer_time_on_a_pairing(liaison_client, pairing_a):
    url = reverse("records:contribution-create-pairing", args=[pairing_a.pk])
    data = {"kind": "volunteer_hours", "people": "8", "hours": "16", "amount": "99",
            "contributed_on": "2026-05-02"}  # fmt: skip
    assert liaison_client.post(url, data).status_code == 302
    contribution = Contribution.objects.get()
    assert (contribution.pairing, contribution.people, contribution.hours) == (
        pairing_a, 8, Decimal("16"))
    assert contribution.amount is None, "an amount does not belong to volunteer time"


def test_it_refuses_another_units_project(liaison_client, other_project):
    url = reverse("records:contribution-create-project", args=[other_project.pk])
    assert liaison_client.get(url).status_code == 404
    assert liaison_client.post(url, FUNDS).status_code == 404
    assert not Contribution.objects.exists()


def test_it_refuses_another_units_pairing(liaison_client, unit_b):
    pairing = PairingFactory(unit=unit_b)
    url = reverse("records:contribution-create-pairing", args=[pairing.pk])
    assert liaison_client.post(url, FUNDS).status_code == 404
    assert not Contribution.objects.exists()


def test_it_refuses_office_staff_recording_as_a_unit(staff_client, adopted_project):
    url = reverse("records:contribution-create-project", args=[adopted_project.pk])
    assert staff_client.post(url, FUNDS).status_code == 403


def test_it_asks_in_chinese_for_what_each_kind_needs(liaison_client, adopted_project):
    url = reverse("records:contribution-create-project", args=[adopted_project.pk])
    response = liaison_client.post(url, {"kind": "goods", "contributed_on": "2026-05-01"})
    assert response.status_code == 200
    assert "请描述所捐赠的物资" in response.content.decode()
    assert not Contribution.objects.exists()


def test_it_lets_the_liaison_edit_until_the_office_confirms(liaison_client, liaison, adopted_project):
    contribution = make_contribution(liaison.unit, adopted_project, amount=100)
    url = reverse("records:contribution-edit", args=[contribution.pk])
    assert liaison_client.post(url, {**FUNDS, "amount": "150", "version": 1}).status_code == 302
    contribution.refresh_from_db()
    assert contribution.amount == Decimal("150")


def test_it_locks_a_confirmed_contribution(liaison_client, staff, liaison, adopted_project):
    contribution = make_contribution(liaison.unit, adopted_project, amount=100)
    assert contribution.confirm(by=staff, version=1)
    url = reverse("records:contribution-edit", args=[contribution.pk])
    assert liaison_client.get(url).status_code == 403
    assert liaison_client.post(url, {**FUNDS, "amount": "999"}).status_code == 403
    contribution.refresh_from_db()
    assert contribution.amount == Decimal("100")


def test_only_office_staff_confirm(liaison_client, staff_client, liaison, adopted_project):
    contribution = make_contribution(liaison.unit, adopted_project)
    url = reverse("records:contribution-confirm", args=[contribution.pk])
    assert liaison_client.post(url, {"version": 1}).status_code == 403
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.RECORDED
    assert staff_client.post(url, {"version": 1}).status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.CONFIRMED
    assert contribution.confirmed_at is not None


def test_it_confirms_once(staff, liaison, adopted_project):
    contribution = make_contribution(liaison.unit, adopted_project)
    assert contribution.confirm(by=staff, version=1) is True
    assert contribution.confirm(by=staff, version=1) is False
    assert contribution.confirm(by=staff, version=2) is False


def test_a_staff_correction_keeps_the_history(staff_client, staff, liaison, adopted_project):
    contribution = make_contribution(liaison.unit, adopted_project, amount=100)
    contribution.confirm(by=staff, version=1)
    url = reverse("records:contribution-edit", args=[contribution.pk])
    response = staff_client.post(
        url, {**FUNDS, "amount": "120", "reason": "票据金额为120元", "version": 2}
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.amount == Decimal("120")
    assert contribution.status == Contribution.Status.CONFIRMED
    amounts = [h.amount for h in contribution.history.order_by("history_date", "history_id")]
    assert amounts == [Decimal("100"), Decimal("100"), Decimal("120")]
    assert contribution.history.latest().history_change_reason == "票据金额为120元"
    page = staff_client.get(url).content.decode()
    assert "票据金额为120元" in page


def test_a_staff_correction_needs_a_reason(staff_client, staff, liaison, adopted_project):
    contribution = make_contribution(liaison.unit, adopted_project, amount=100)
    url = reverse("records:contribution-edit", args=[contribution.pk])
    assert staff_client.post(url, {**FUNDS, "amount": "120", "version": 1}).status_code == 200
    contribution.refresh_from_db()
    assert contribution.amount == Decimal("100")


def test_another_liaison_cannot_see_or_edit_the_row(other_liaison_client, liaison, adopted_project):
    contribution = make_contribution(liaison.unit, adopted_project)
    url = reverse("records:contribution-edit", args=[contribution.pk])
    assert other_liaison_client.get(url).status_code == 404


def test_the_public_project_page_shows_totals_not_who_entered_them(anon, liaison, adopted_project):
    confirmed = {"status": "confirmed", "confirmed_at": datetime.datetime(2026, 6, 2, tzinfo=datetime.UTC)}
    make_contribution(liaison.unit, adopted_project, amount=Decimal("5000"), **confirmed)
    make_contribution(liaison.unit, adopted_project, amount=Decimal("1200"), **confirmed)
    make_contribution(
        liaison.unit, adopted_project, kind="volunteer_hours", amount=None, people=12, hours=30,
        contributed_on=datetime.date(2026, 6, 1), note="张三带队", **confirmed,
    )  # fmt: skip
    page = anon.get(reverse("projects:project-detail", args=[adopted_project.pk])).content.decode()
    assert "6,200" in page
    assert "12" in page and "30" in page
    assert "财政局联络员" not in page and "bob" not in page
    assert "张三带队" not in page


def test_the_liaisons_project_page_and_visit_form_link_to_recording(liaison_client, adopted_project, pairing_a):
    page = liaison_client.get(reverse("projects:my-project", args=[adopted_project.pk]))
    assert reverse("records:contribution-create-project", args=[adopted_project.pk]) in (
        page.content.decode())
    form = liaison_client.get(reverse("units:visit-create", args=[pairing_a.pk]))
    assert reverse("records:contribution-create-pairing", args=[pairing_a.pk]) in (
        form.content.decode())


def test_choosing_a_kind_shows_only_its_fields(liaison_client, adopted_project):
    url = reverse("records:contribution-create-project", args=[adopted_project.pk])
    page = liaison_client.get(url, {"kind": "volunteer_hours"}, headers={"HX-Request": "true"})
    html = page.content.decode()
    assert 'name="people"' in html and 'name="hours"' in html
    assert 'name="amount"' not in html and 'name="description"' not in html
    assert "<html" not in html, "only the fields, not the page"
    full = liaison_client.get(url).content.decode()
    assert 'name="amount"' in full and 'name="people"' not in full, "funds by default"
    assert f'data-hx-get="{url}"' in full


def test_switching_kind_clears_what_no_longer_belongs(liaison_client, liaison, adopted_project):
    contribution = make_contribution(
        liaison.unit, adopted_project, kind="goods", description="大米", amount=800
    )
    url = reverse("records:contribution-edit", args=[contribution.pk])
    data = {"kind": "volunteer_hours", "people": "3", "hours": "6", "contributed_on": "2026-05-01",
            "version": 1}
    assert liaison_client.post(url, data).status_code == 302
    contribution.refresh_from_db()
    assert (contribution.amount, contribution.description) == (None, "")
    assert (contribution.people, contribution.hours) == (3, Decimal("6"))


def test_the_evidence_photo_is_for_the_office_and_the_unit_only(staff_client, liaison_client, other_liaison_client, anon, liaison, adopted_project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    contribution = make_contribution(
        liaison.unit, adopted_project, evidence=SimpleUploadedFile("e.jpg", b"\xff\xd8 photo")
    )
    url = reverse("records:contribution-evidence", args=[contribution.pk])
    assert b"".join(staff_client.get(url).streaming_content) == b"\xff\xd8 photo"
    assert liaison_client.get(url).status_code == 200
    assert other_liaison_client.get(url).status_code == 404
    assert anon.get(url).status_code == 302
