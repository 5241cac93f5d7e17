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
