"""Loaders shared with the apps above projects (records): one access rule each."""

from django.shortcuts import get_object_or_404

from .models import Project


def get_project_for_liaison(request, pk):
    """A project the liaison's unit has adopted; anything else is a 404."""
    return get_object_or_404(
        Project.objects.select_related("community").filter(adoptions__unit_id=request.user.unit_id),
        pk=pk,
    )
