"""Production apps never import development code, and the registry stands alone.

Walks every module's imports with ``ast`` (top-level and inside functions alike).
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)


def _imports(app):
    found = set()
    for path in (BASE / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                found.update((path, alias.name.split(".")[0]) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add((path, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("app", ["units", "projects", "zhujing"])
def test_it_keeps_demo_and_bench_out_of_the_production_apps(app):
    offending = [
        f"{path.relative_to(BASE)} imports {module}"
        for path, module in _imports(app)
        if module in {"bench", "demo"}
    ]
    assert offending == []


def test_it_keeps_the_registry_free_of_the_project_board():
    offending = [
        f"{path.relative_to(BASE)} imports {module}"
        for path, module in _imports("units")
        if module in {"projects", "bench", "demo"}
    ]
    assert offending == []


def test_it_finds_imports_inside_functions():
    # The walk must see a lazy import, or the tests above could never fail.
    assert any(module == "bench" for _, module in _imports("demo"))
