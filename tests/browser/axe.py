"""axe-core (from npm, tests/browser/node_modules) injected into a page by Playwright."""

import os
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page):
    """Run axe on the page; return the serious and critical violations, readably."""
    if not AXE.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE} is missing: npm install --prefix tests/browser")
        pytest.skip("axe-core is not installed (npm install --prefix tests/browser)")
    if page.evaluate("() => typeof window.axe") == "undefined":
        # Through the DevTools protocol, which the page's CSP does not govern: pages under
        # test keep their CSP enforced.
        page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
