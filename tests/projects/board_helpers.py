"""Helpers shared by the board's tests: many projects in few queries."""

import datetime

from projects.models import Adoption, Category, Milestone, Project
from tests.factories import CommunityFactory, MemberUnitFactory

CATEGORIES = [value for value, _label in Category.choices]


def make_board(n, statuses=("open", "adopted", "in_progress", "completed")):
    """``n`` public projects with milestones (some done) and an adopting unit each."""
    community = CommunityFactory()
    units = [MemberUnitFactory(), MemberUnitFactory()]
    projects = Project.objects.bulk_create(
        Project(
            title=f"批量项目{i}",
            description="批量测试项目",
            category=CATEGORIES[i % len(CATEGORIES)],
            community=community,
            year=2020 + i % 7,
            status=statuses[i % len(statuses)],
            capacity=2,
            adopted_count=1,
        )
        for i in range(n)
    )
    if projects[0].pk is None:  # backends that don't return ids from bulk_create
        projects = list(Project.objects.filter(community=community).order_by("pk"))
    Milestone.objects.bulk_create(
        Milestone(
            project=p,
            title=f"节点{k}",
            due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=k),
            done_on=datetime.date(2026, 1, 1) if k == 0 else None,
        )
        for p in projects
        for k in range(2)
    )
    Adoption.objects.bulk_create(
        Adoption(project=p, unit=units[i % 2]) for i, p in enumerate(projects)
    )
    return projects
