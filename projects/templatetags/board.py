from django import template

from projects.models import Need

register = template.Library()


@register.simple_tag
def pending_needs_count():
    """How many residents' needs wait for review (for the office staff's nav badge)."""
    return Need.objects.filter(status=Need.Status.PENDING).count()
