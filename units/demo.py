"""Demo data for the registry: every fact in the article, the rest clearly marked as samples."""

DEMO_PASSWORD = "zhujing-demo-2026"


def load(stdout):
    """Create or update the demo registry. Returns [(username, password, role)]."""
    return []
