from django import template

from records import todos
from records.models import Contribution

register = template.Library()


@register.inclusion_tag("records/_project_totals.html")
def contribution_totals(project):
    """What the adopting units put into a project, by kind: totals only, never who entered it,
    and only what the office confirmed (a liaison's row is not public until then)."""
    return {"totals": Contribution.objects.confirmed().filter(project=project).totals()}


@register.simple_tag
def office_todos():
    """The office menu's badges: needs, contributions and pairings waiting (records.todos)."""
    return todos.office_todos()
