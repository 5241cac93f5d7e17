"""What the benchmark measures: every URL in one place.

Each scenario names a route (reversed against the running code) and how to build its
arguments from the loaded data. When a route does not exist yet, the scenario runs
against its ``stand_in`` instead and the report says so; a stand-in never meets a target.
"""

from dataclasses import dataclass, field


@dataclass
class Scenario:
    key: str
    title: str
    route: str
    kwargs: str = ""  # which loaded object fills the URL's pk: "project", "meeting"
    user: str = "anon"  # "anon", "staff" or "liaison"
    htmx: bool = False
    method: str = "GET"
    target_ratio: float | None = None  # throughput at least this share of the trivial view's
    stand_in: str = "home"
    form: dict = field(default_factory=dict)


TRIVIAL = Scenario(
    key="trivial",
    title="(a) trivial view, full middleware (/healthz/)",
    route="healthz",
)

SCENARIOS = [
    TRIVIAL,
    Scenario(
        key="board",
        title="(b) public project board",
        route="projects:project-list",
        target_ratio=0.5,
    ),
    Scenario(
        key="board_staff",
        title="(b2) project board signed in as staff (bypasses the page cache)",
        route="projects:project-list",
        user="staff",
    ),
    Scenario(
        key="detail",
        title="(c) project detail",
        route="projects:project-detail",
        kwargs="project",
        target_ratio=0.5,
    ),
    Scenario(
        key="registry",
        title="(d) staff unit registry (logged in)",
        route="units:unit-list",
        user="staff",
        stand_in="accounts:user-list",
    ),
    Scenario(
        key="bigscreen",
        title="(e) big-screen poll (htmx)",
        route="projects:meeting-screen-stats",
        kwargs="meeting",
        htmx=True,
        target_ratio=0.8,
    ),
]

#: (f) the adoption surge: every unit's liaison at once, each trying a few projects.
SURGE = Scenario(
    key="surge",
    title="(f) adoption surge, 143 units at once",
    route="projects:project-adopt",
    kwargs="project",
    user="liaison",
    htmx=True,
    method="POST",
    stand_in="accounts:logout",
    form={"commitment": "现场认领，出资出力"},
)
SURGE_TRIES_PER_UNIT = 3
