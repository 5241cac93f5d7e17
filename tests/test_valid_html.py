"""Every page the personas reach is valid HTML by the Nu Html Checker (vnu).

The pages come from the shared crawl (tests/crawl.py) and go to one run of vnu (one JVM
start). Any error fails the test with its page and line.

vnu comes from npm (``vnu-jar``, pinned in tests/browser/package-lock.json) and runs on
Debian's ``default-jre-headless``; ``make test`` installs both.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.crawl import Links, crawled  # noqa: F401 - crawled is a fixture

VNU_JAR = (
    Path(__file__).resolve().parent / "browser" / "node_modules" / "vnu-jar" / "build" / "dist"
    / "vnu.jar"
)


def _vnu_command():
    java = shutil.which("java")
    if java and VNU_JAR.exists():
        return [java, "-Xss2m", "-jar", str(VNU_JAR)]
    missing = "java (apt-get install default-jre-headless)" if not java else str(VNU_JAR)
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{missing} is missing: make test installs it")
    pytest.skip(f"{missing} is missing: make test installs it")


def validate(pages, tmp_path):
    """Run vnu once over all pages; return its errors (and dangling id references) as
    readable lines."""
    command = _vnu_command()
    files, errors = {}, []
    for n, (where, html) in enumerate(sorted(pages.items())):
        path = tmp_path / f"page{n:04d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = (where, html.splitlines())
        parser = Links()
        parser.feed(html)
        for line, message in parser.dangling():
            errors.append(f"{where} line {line}: {message}")
    run = subprocess.run(
        [*command, "--format", "json", "--exit-zero-always", *map(str, sorted(
            tmp_path / name for name in files))],
        capture_output=True, text=True, timeout=600,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    for message in messages:
        if message["type"] != "error" and message.get("subType") != "fatal":
            continue
        where, lines = files.get(Path(message.get("url", "")).name, ("?", []))
        line = message.get("lastLine") or message.get("firstLine") or 0
        source = lines[line - 1].strip()[:160] if 0 < line <= len(lines) else ""
        errors.append(f"{where} line {line}: {message['message']}\n    {source}")
    return errors


def test_it_finds_no_html_errors_on_any_page_the_personas_reach(crawled, tmp_path):
    _vnu_command()  # skip (or fail under REQUIRE_BROWSER) when vnu cannot run
    pages = crawled["pages"]
    crawled_paths = {key.split(" ", 1)[1].split("?")[0] for key in pages}
    # The crawl reaches every kind of page: public, liaison, office, screen and print.
    for expected in ["/", "/projects/", "/structure/", "/needs/new/", "/my/pairings/", "/my/needs/",
                     "/my/projects/", "/inbox/", "/registry/units/", "/office/needs/",
                     *crawled["extra"]]:
        assert expected in crawled_paths, expected
    assert any(re.fullmatch(r"/my/pairings/\d+/visits/new/", p) for p in crawled_paths)
    assert 'name="resource" required' in pages["bob /my/needs/"]  # the offer select is there
    errors = validate(pages, tmp_path)
    assert not errors, f"{len(errors)} vnu errors on {len(pages)} pages:\n" + "\n".join(errors)
