"""The layering of docs/architecture.md holds: import-linter's contracts (pyproject.toml),
private names kept inside their app, and configuration without models."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = ("core", "accounts", "units", "projects", "records", "reminders", "opendata", "district")
PACKAGES = ("zhujing", *APPS, "demo", "bench")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root):
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--config", root / "pyproject.toml"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_of_the_code(tmp_path):
    """The packages and pyproject.toml, without migrations' data or anything else."""
    for package in PACKAGES:
        shutil.copytree(
            BASE / package,
            tmp_path / package,
            ignore=lambda folder, names: [
                n for n in names if not (n.endswith(".py") or (Path(folder) / n).is_dir())
            ],
        )
    shutil.copy(BASE / "pyproject.toml", tmp_path)
    return tmp_path


def test_it_keeps_every_import_linter_contract():
    result = _lint_imports(BASE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    "module, bad_import, contract",
    [
        ("core/dates.py", "import projects.models", "core below all"),
        ("units/models.py", "from reminders.models import Notification", "units <- accounts"),
        ("projects/actions.py", "import reminders.models", "units <- accounts"),
        ("reminders/sweep.py", "import opendata.models", "units <- accounts"),
        ("projects/models.py", "import demo.loader", "never imports the demo"),
        ("records/views.py", "import zhujing.settings", "configuration package"),
    ],
)
def test_it_fails_on_an_import_against_the_layering(tmp_path, module, bad_import, contract):
    root = _copy_of_the_code(tmp_path)
    path = root / module
    path.write_text(f"{bad_import}  # deliberate\n" + path.read_text())
    result = _lint_imports(root)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = result.stdout.split("Broken contracts")[1]
    assert contract in " ".join(broken.split())


def _foreign_private_names():
    found = []
    for package in PACKAGES:
        for path in (BASE / package).rglob("*.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                    continue
                if node.module.split(".")[0] == package:
                    continue
                found += [
                    f"{path.relative_to(BASE)}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and node.module.split(".")[0] in PACKAGES
                ]
    return found


def test_it_imports_no_underscore_name_from_another_app():
    assert _foreign_private_names() == []


def test_it_would_see_an_underscore_name_imported_from_another_app(tmp_path, monkeypatch):
    root = _copy_of_the_code(tmp_path)
    path = root / "records" / "views.py"
    path.write_text("from projects.views.common import _get_project_for_staff\n" + path.read_text())
    monkeypatch.setattr(sys.modules[__name__], "BASE", root)
    assert _foreign_private_names() == [
        "records/views.py: from projects.views.common import _get_project_for_staff"
    ]


def test_it_keeps_models_out_of_the_configuration_package():
    assert not (BASE / "zhujing" / "models.py").exists()
    assert [c.name for c in apps.get_app_configs() if c.name.startswith("zhujing")] == []
    assert [
        m._meta.label for m in apps.get_models() if m.__module__.startswith("zhujing.")
    ] == []
