"""A committed write never answers an error because the session could not be saved after it
(issue 23, item 6): the adoption commits, then the session's UPDATE fails (the connection
lost, the row gone); the unit is told the seat is theirs, and it is stored once."""

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from projects.models import Adoption
from tests.factories import JointMeetingFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _session_writes_fail(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith("UPDATE") and "django_session" in sql:
        raise OperationalError("server closed the connection unexpectedly")
    return execute(sql, params, many, context)


@pytest.mark.parametrize("htmx", [False, True])
def test_it_answers_success_when_the_session_write_fails_after_the_adoption(liaison, htmx):
    JointMeetingFactory(adoption_open=True)
    project = ProjectFactory(title="爱五路亮灯工程")
    client = Client(raise_request_exception=False)
    client.force_login(liaison)
    session = client.session
    session["adopt_commitment"] = "出资五千元"  # carried over from a race this unit lost
    session.save()
    headers = {"HX-Request": "true"} if htmx else {}

    with connection.execute_wrapper(_session_writes_fail):
        response = client.post(
            reverse("projects:project-adopt", args=[project.pk]),
            {"commitment": "出资五千元"},
            headers=headers,
        )

    assert response.status_code in (200, 302)
    assert Adoption.objects.filter(project=project, unit=liaison.unit).count() == 1
