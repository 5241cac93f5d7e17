"""The admin greets office staff by their display name, not a shouted login name."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_greets_by_display_name(staff, staff_client):
    staff.is_staff = True
    staff.save()
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert f'<strong class="user-name">{staff}</strong>' in html
    assert str(staff) != staff.username
    assert "css/admin" in html
