"""Rules with one home: code elsewhere must call them, not re-derive them.

Each test scans the production apps' source with ``ast`` for the rule's arithmetic or
filter and allows it only in the module that defines it.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "accounts", "units", "projects", "records", "reminders", "opendata", "zhujing"]
SKIP = {"migrations", "demo.py", "management"}


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if not SKIP & set(path.relative_to(ROOT).parts) and path.name not in SKIP:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text())


def _names(node):
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            yield sub.id
        elif isinstance(sub, ast.Attribute):
            yield sub.attr
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.value


def places_adding_a_cadence():
    """Modules with ``something + cadence`` (the next-visit arithmetic)."""
    found = set()
    for name, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
                if any("cadence" in n for n in _names(node)):
                    found.add(name)
    return found


def places_filtering_unread():
    """Modules that spell "unread" as a filter on ``read_at`` being empty."""
    found = set()
    for name, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg in ("read_at", "read_at__isnull"):
                if isinstance(node.value, ast.Constant) and node.value.value in (None, True):
                    found.add(name)
    return found


def test_the_next_visit_due_date_is_computed_only_in_the_pairing_model():
    assert places_adding_a_cadence() == {"units/models.py"}


def test_unread_is_defined_only_by_the_notification_queryset():
    assert places_filtering_unread() == {"reminders/models.py"}


def places_registering_a_post_commit_callback():
    """Modules calling ``on_commit`` or ``delay_on_commit`` themselves."""
    found = set()
    for name, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                if called in ("on_commit", "delay_on_commit", "apply_async_on_commit"):
                    found.add(name)
    return found


def test_post_commit_side_effects_go_through_the_one_helper_that_logs_their_failure():
    assert places_registering_a_post_commit_callback() == {"core/sideeffects.py"}


# --- Seats and status: Project.claim_seat / release_seat / with_free_seat --------------

#: Where seats may be counted or tested: every app, the demo loader and the bench data.
SEAT_APPS = [*APPS, "demo", "bench"]


def _all_sources():
    for app in SEAT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text())


def _is_seat_counter(node):
    return isinstance(node, ast.Attribute) and node.attr == "adopted_count"


def places_counting_seats():
    """Modules that change the seat counter: ``adopted_count=F(...) ± n`` in a write,
    ``x.adopted_count += n`` or ``x.adopted_count = ...``."""
    found = set()
    for name, tree in _all_sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "adopted_count":
                if isinstance(node.value, ast.BinOp):
                    found.add(name)
            elif isinstance(node, ast.AugAssign) and _is_seat_counter(node.target):
                found.add(name)
            elif isinstance(node, ast.Assign) and any(map(_is_seat_counter, node.targets)):
                found.add(name)
    return found


def places_comparing_seats_with_capacity():
    """Modules that spell "a seat is free" as a lookup of the counter against the
    capacity (``adopted_count__lt=F("capacity")`` and its mirror images)."""
    found = set()
    for name, tree in _all_sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg:
                field = node.arg.split("__")[0]
                other = {"adopted_count": "capacity", "capacity": "adopted_count"}.get(field)
                if other and other in set(_names(node.value)):
                    found.add(name)
    return found


def places_writing_a_projects_status_in_sql():
    """Modules that set a project's status in an UPDATE (``update(status=Project...)``
    or a ``Case``), past the transitions table."""
    found = set()
    for name, tree in _all_sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr not in ("update", "bulk_update"):
                    continue
                for keyword in node.keywords:
                    names = set(_names(keyword.value))
                    if keyword.arg == "status" and names & {"Project", "Case", "When"}:
                        found.add(name)
                if node.func.attr == "bulk_update" and "status" in set(_names(node)):
                    found.add(name)
    return found


def test_seats_are_counted_only_by_the_project_model():
    assert places_counting_seats() == {"projects/models.py"}


def test_a_free_seat_is_defined_only_by_the_project_model():
    assert places_comparing_seats_with_capacity() == {"projects/models.py"}


def test_a_projects_status_is_written_in_sql_only_by_the_project_model():
    assert places_writing_a_projects_status_in_sql() == {"projects/models.py"}


def test_the_seats_move_a_project_only_along_these_pairs(db):
    """What claiming and releasing seats do to a project's status, written out; each
    pair must also be a move of the transitions table."""
    from projects.models import Project
    from tests.factories import ProjectFactory

    S = Project.Status
    expected = {(S.OPEN, S.OPEN), (S.OPEN, S.ADOPTED), (S.ADOPTED, S.OPEN)}
    seen = set()
    project = ProjectFactory(capacity=2)
    for step in ("claim_seat", "claim_seat", "release_seat", "release_seat"):
        before = project.status
        getattr(project, step)()
        seen.add((before, project.status))
    assert seen == expected
    for before, after in expected - {(S.OPEN, S.OPEN)}:
        assert after in Project.TRANSITIONS[before], (before, after)


def places_creating_adoptions():
    """Modules that write an adoption row one at a time (``Adoption.objects.create``)."""
    found = set()
    for name, tree in _all_sources():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "create"
                and "Adoption.objects" in ast.unparse(node.func.value)
            ):
                found.add(name)
    return found


def test_adoptions_are_recorded_by_the_adoption_actions_only():
    """The meeting's adoption, a renewal and a past adoption the demo records all go through
    projects/actions.py (the benchmark's bulk rows excepted: they are not one at a time)."""
    assert places_creating_adoptions() == {"projects/actions.py"}
