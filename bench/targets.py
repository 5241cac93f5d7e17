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
    repeat: int = 1  # measured this many times in one run; every one must meet the target
    p95_ms_max: int | None = None  # for the surges: the slowest 5% answer within this


TRIVIAL = Scenario(
    key="trivial",
    title="(a) trivial view, full middleware (/healthz/)",
    route="healthz",
)

#: Signed-in pages: at least this share of the trivial view's throughput.
SIGNED_IN_TARGET = 0.3

SCENARIOS = [
    TRIVIAL,
    Scenario(
        key="board",
        title="(b) public project board",
        route="projects:project-list",
        target_ratio=0.5,
    ),
    Scenario(
        key="board_liaison",
        title="(b1) project board signed in as a liaison",
        route="projects:project-list",
        user="liaison",
        target_ratio=SIGNED_IN_TARGET,
    ),
    Scenario(
        key="board_staff",
        title="(b2) project board signed in as staff",
        route="projects:project-list",
        user="staff",
        target_ratio=SIGNED_IN_TARGET,
    ),
    Scenario(
        key="detail",
        title="(c) project detail",
        route="projects:project-detail",
        kwargs="project",
        target_ratio=0.5,
    ),
    Scenario(
        key="detail_liaison",
        title="(c1) project detail signed in as a liaison",
        route="projects:project-detail",
        kwargs="project",
        user="liaison",
        target_ratio=SIGNED_IN_TARGET,
    ),
    Scenario(
        key="detail_staff",
        title="(c2) project detail signed in as staff",
        route="projects:project-detail",
        kwargs="project",
        user="staff",
        target_ratio=SIGNED_IN_TARGET,
    ),
    Scenario(
        key="registry",
        title="(d) staff unit registry",
        route="units:unit-list",
        user="staff",
        stand_in="accounts:user-list",
        target_ratio=SIGNED_IN_TARGET,
    ),
    Scenario(
        key="communities",
        title="(d1) staff community list",
        route="units:community-list",
        user="staff",
        target_ratio=SIGNED_IN_TARGET,
    ),
    Scenario(
        key="need_inbox",
        title="(d2) staff needs inbox",
        route="projects:need-inbox",
        user="staff",
        target_ratio=SIGNED_IN_TARGET,
    ),
    Scenario(
        key="my_pairings",
        title="(d3) liaison: my pairings",
        route="units:my-pairings",
        user="liaison",
        target_ratio=SIGNED_IN_TARGET,
    ),
    Scenario(
        key="my_projects",
        title="(d4) liaison: my unit's projects",
        route="projects:my-projects",
        user="liaison",
        target_ratio=SIGNED_IN_TARGET,
    ),
    Scenario(
        key="bigscreen",
        title="(e) big-screen poll (htmx)",
        route="projects:meeting-screen-stats",
        kwargs="meeting",
        htmx=True,
        target_ratio=0.8,
        repeat=3,
    ),
]

#: (f) the adoption surge: every unit's liaison at once, each trying a few projects.
SURGE = Scenario(
    key="surge",
    title="(f) adoption surge, 143 units at once (PostgreSQL)",
    route="projects:project-adopt",
    kwargs="project",
    user="liaison",
    htmx=True,
    method="POST",
    stand_in="accounts:logout",
    form={"commitment": "现场认领，出资出力"},
    p95_ms_max=1000,  # issue 22: plain ORM on the hot path, p95 within a second
)
#: (g) the same surge on the embedded default: SQLite, no Redis, the server `make run` uses.
SURGE_SQLITE = Scenario(
    key="surge_sqlite",
    title="(g) adoption surge on the embedded default (SQLite)",
    route=SURGE.route,
    kwargs=SURGE.kwargs,
    user=SURGE.user,
    htmx=SURGE.htmx,
    method=SURGE.method,
    stand_in=SURGE.stand_in,
    form=SURGE.form,
)
SURGE_TRIES_PER_UNIT = 3
