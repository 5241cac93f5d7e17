"""zhujing.precompiled: one compilation per process, each call's values in their places."""

import pytest
from django.db import connection

from tests.factories import ProjectFactory
from zhujing.precompiled import ARG, precompiled

pytestmark = pytest.mark.django_db


def test_each_call_runs_the_once_compiled_query_with_its_own_values_in_order():
    from projects.models import Project

    built = []

    @precompiled
    def between():
        built.append(1)
        return Project.objects.filter(pk__gte=ARG, pk__lte=ARG).values_list("pk", flat=True)

    first, second, third = (ProjectFactory().pk for _ in range(3))
    results = []
    for low, high in ((first, second), (second, third), (third, third)):
        sql, params = between(low, high)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            results.append(sorted(pk for (pk,) in cursor.fetchall()))
    assert results == [[first, second], [second, third], [third]]
    assert built == [1]
    with pytest.raises(TypeError):
        between(first)

