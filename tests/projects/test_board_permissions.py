"""Who may open each page of the board, the need form and staff triage."""

import pytest
from django.urls import reverse

from tests.factories import NeedFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PERSONAS = ["anon", "liaison", "other_liaison", "staff"]
PUBLIC = {p: 200 for p in PERSONAS}
STAFF_ONLY = {"anon": 302, "liaison": 403, "other_liaison": 403, "staff": 200}


@pytest.fixture
def objects():
    project = ProjectFactory(status="open")
    need = NeedFactory(community=project.community)
    return {"project": project, "need": need, "draft": ProjectFactory(status="draft")}


PAGES = [
    ("get", "projects:project-list", lambda o: [], PUBLIC),
    ("get", "projects:project-archive", lambda o: [], PUBLIC),
    ("get", "projects:project-detail", lambda o: [o["project"].pk], PUBLIC),
    ("get", "projects:project-detail", lambda o: [o["draft"].pk],
     {"anon": 404, "liaison": 404, "other_liaison": 404, "staff": 200}),
    ("get", "projects:need-create", lambda o: [], PUBLIC),
    ("get", "projects:need-track", lambda o: [o["need"].tracking_code], PUBLIC),
    ("get", "projects:need-inbox", lambda o: [], STAFF_ONLY),
    ("get", "projects:need-decline", lambda o: [o["need"].pk], STAFF_ONLY),
    ("post", "projects:need-link", lambda o: [o["need"].pk],
     {"anon": 302, "liaison": 403, "other_liaison": 403, "staff": 302}),
    ("get", "projects:project-create", lambda o: [], STAFF_ONLY),
    ("get", "projects:project-edit", lambda o: [o["project"].pk], STAFF_ONLY),
    ("post", "projects:project-transition", lambda o: [o["project"].pk],
     {"anon": 302, "liaison": 403, "other_liaison": 403, "staff": 302}),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "name", "args", "expected"), PAGES,
                         ids=[f"{p[1]}-{i}" for i, p in enumerate(PAGES)])
def test_it_enforces_the_permission_matrix(persona_clients, objects, persona, method, name,
                                           args, expected):
    client = persona_clients[persona]
    url = reverse(name, args=args(objects))
    response = getattr(client, method)(url)
    assert response.status_code == expected[persona]
    if expected[persona] == 302 and persona == "anon":
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["anon", "liaison", "other_liaison"])
def test_non_staff_cannot_change_anything(persona_clients, objects, persona):
    client = persona_clients[persona]
    project, need = objects["project"], objects["need"]
    client.post(reverse("projects:project-transition", args=[project.pk]), {"status": "cancelled"})
    client.post(reverse("projects:need-decline", args=[need.pk]), {"reply": "不行"})
    client.post(reverse("projects:need-link", args=[need.pk]), {"project": project.pk})
    client.post(reverse("projects:project-edit", args=[project.pk]), {"title": "被改了"})
    project.refresh_from_db()
    need.refresh_from_db()
    assert project.status == "open"
    assert project.title != "被改了"
    assert need.status == "pending"
