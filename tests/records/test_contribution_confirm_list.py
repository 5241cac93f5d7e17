"""The office's contributions list: confirming a row returns to the same place (the row
swapped in place for htmx, an anchor otherwise), and several rows confirm at once, each
as the office saw it."""

import pytest
from django.urls import reverse

from records.models import Contribution
from tests.records.conftest import make_contribution

pytestmark = pytest.mark.django_db

LIST = reverse("records:contribution-list")
MANY = reverse("records:contribution-confirm-many")


def _rows(unit, project, n):
    return [make_contribution(unit, project, amount=100 + i) for i in range(n)]


def test_it_returns_to_the_next_row_after_a_confirmation(staff_client, unit_a, adopted_project):
    rows = _rows(unit_a, adopted_project, 3)  # listed newest first: rows[2], rows[1], rows[0]
    page = staff_client.get(LIST + "?status=recorded&page=1").content.decode()
    assert f'id="c-{rows[1].pk}"' in page
    assert f'name="anchor" value="c-{rows[0].pk}"' in page  # rows[1]'s neighbour below
    response = staff_client.post(
        reverse("records:contribution-confirm", args=[rows[1].pk]),
        {"version": rows[1].version, "next": "/office/contributions/?status=recorded&page=1",
         "anchor": f"c-{rows[0].pk}"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"/office/contributions/?status=recorded&page=1#c-{rows[0].pk}"


def test_it_swaps_the_confirmed_row_in_place_for_htmx(staff_client, unit_a, adopted_project):
    (row,) = _rows(unit_a, adopted_project, 1)
    response = staff_client.post(
        reverse("records:contribution-confirm", args=[row.pk]),
        {"version": row.version}, headers={"HX-Request": "true"},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li class="card contribution-row" id="c-{row.pk}"')
    assert "已确认" in body and "<html" not in body
    row.refresh_from_db()
    assert row.status == Contribution.Status.CONFIRMED


def test_it_confirms_the_ticked_rows_at_once(staff_client, unit_a, adopted_project):
    rows = _rows(unit_a, adopted_project, 3)
    items = [f"{r.pk}:{r.version}" for r in rows[:2]]
    response = staff_client.post(MANY, {"items": items, "next": LIST + "?status=recorded"})
    assert response.status_code == 302 and response["Location"] == LIST + "?status=recorded"
    statuses = [Contribution.objects.get(pk=r.pk).status for r in rows]
    assert statuses == ["confirmed", "confirmed", "recorded"]


def test_a_bulk_confirmation_skips_a_row_changed_since_and_says_so(staff_client, liaison_client, unit_a, adopted_project):
    rows = _rows(unit_a, adopted_project, 2)
    items = [f"{r.pk}:{r.version}" for r in rows]
    liaison_client.post(
        reverse("records:contribution-edit", args=[rows[0].pk]),
        {"kind": "funds", "amount": "900", "contributed_on": "2026-05-01", "version": 1},
    )
    response = staff_client.post(MANY, {"items": items, "next": LIST}, follow=True)
    page = response.content.decode()
    assert "已确认并锁定 1 条投入" in page and "已被修改" in page and "900" in page
    statuses = [Contribution.objects.get(pk=r.pk).status for r in rows]
    assert statuses == ["recorded", "confirmed"]


def test_a_bulk_confirmation_ignores_junk(staff_client, unit_a, adopted_project):
    (row,) = _rows(unit_a, adopted_project, 1)
    items = ["x", "99999999999999999999:1", f"{row.pk}:²", f"{row.pk}", ":"]
    response = staff_client.post(MANY, {"items": items, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == LIST
    row.refresh_from_db()
    assert row.status == Contribution.Status.RECORDED
