"""Optimistic concurrency on a contribution: confirm and edit carry the version their page
showed; whoever saves second is told what changed and overwrites nothing.

Found from outside: the office confirmed a row while the liaison's edit of it was being
saved; the office was told "confirmed and locked", and the history then showed
confirmed → recorded with the liaison's new value (6 of 6 tries).
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse

from records.models import Contribution
from tests.records.conftest import make_contribution

FUNDS = {"kind": "funds", "amount": "5000", "contributed_on": "2026-05-01", "note": "专项资金"}


def _edit_url(contribution):
    return reverse("records:contribution-edit", args=[contribution.pk])


def _confirm_url(contribution):
    return reverse("records:contribution-confirm", args=[contribution.pk])


def _wait_until_blocked_on_a_lock(timeout=10):
    """Until another connection waits for a row lock (PostgreSQL's own view of it)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else one view per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the edit never reached the row lock")


@pytest.mark.django_db(transaction=True)
def test_it_keeps_a_confirmation_made_while_an_older_edit_is_being_saved(staff, liaison, adopted_project):
    if connection.vendor != "postgresql":
        pytest.skip("the interleaving is held with PostgreSQL's row lock")
    contribution = make_contribution(liaison.unit, adopted_project, amount=100)
    seen = contribution.version
    liaison_client, staff_client = Client(), Client()
    liaison_client.force_login(liaison)
    staff_client.force_login(staff)
    answers = {}

    def liaison_saves():
        try:
            answers["edit"] = liaison_client.post(
                _edit_url(contribution), {**FUNDS, "amount": "999", "version": seen}
            )
        finally:
            connection.close()

    with transaction.atomic():
        # The office's request holds the row: the liaison's edit loads it (still recorded,
        # at the version the liaison's page showed) and then waits to write it.
        Contribution.objects.select_for_update().get(pk=contribution.pk)
        thread = threading.Thread(target=liaison_saves)
        thread.start()
        _wait_until_blocked_on_a_lock()
        answers["confirm"] = staff_client.post(_confirm_url(contribution), {"version": seen})
    thread.join(timeout=30)
    close_old_connections()

    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.CONFIRMED
    assert contribution.amount == Decimal("100"), "the confirmed amount was overwritten"
    statuses = [h.status for h in contribution.history.order_by("history_date", "history_id")]
    assert statuses == ["recorded", "confirmed"]
    assert answers["edit"].status_code == 409
    assert "已确认" in answers["edit"].content.decode()


@pytest.mark.django_db
def test_it_refuses_to_confirm_a_row_changed_since_the_page_was_shown(staff_client, liaison_client, liaison, adopted_project):
    contribution = make_contribution(liaison.unit, adopted_project, amount=100)
    seen = contribution.version
    # The liaison corrects the amount after the office's list was shown.
    response = liaison_client.post(_edit_url(contribution), {**FUNDS, "amount": "150", "version": seen})
    assert response.status_code == 302
    response = staff_client.post(_confirm_url(contribution), {"version": seen}, follow=True)
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.RECORDED
    page = response.content.decode()
    assert "已被修改" in page and "100" in page and "150" in page
    # Confirming what is there now works.
    staff_client.post(_confirm_url(contribution), {"version": contribution.version})
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.CONFIRMED


@pytest.mark.django_db
def test_it_refuses_a_staff_correction_based_on_an_older_version(staff_client, liaison_client, liaison, adopted_project):
    contribution = make_contribution(liaison.unit, adopted_project, amount=100)
    seen = contribution.version
    liaison_client.post(_edit_url(contribution), {**FUNDS, "amount": "150", "version": seen})
    response = staff_client.post(
        _edit_url(contribution), {**FUNDS, "amount": "120", "reason": "票据", "version": seen}
    )
    assert response.status_code == 409
    assert "已被修改" in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.amount == Decimal("150")


@pytest.mark.django_db
def test_it_refuses_an_edit_without_the_version_seen(liaison_client, liaison, adopted_project):
    contribution = make_contribution(liaison.unit, adopted_project, amount=100)
    response = liaison_client.post(_edit_url(contribution), {**FUNDS, "amount": "150"})
    assert response.status_code == 200
    contribution.refresh_from_db()
    assert contribution.amount == Decimal("100")
